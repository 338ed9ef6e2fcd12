// Version of the cost model's equations and parameter set. Bump it when an equation or a
// default changes the numbers a user may have saved or compared; it appears in every estimate,
// hover and JSON output, and calibration files record it (a mismatch is refused).
export const MODEL_VERSION = 1;

/** Version of the calibration profile file format read by loadProfile(). */
export const PROFILE_FORMAT_VERSION = 1;
