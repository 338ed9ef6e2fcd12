// Turns Node's errno errors into words a user can act on (no stack, no "ENOENT" alone).
export function describeFsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err?.code) {
    case 'ENOENT':
      return 'no such file (a broken symlink, or deleted during the scan)';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied; check its permissions or exclude it in .pagecost.json';
    case 'ELOOP':
      return 'symlink loop; fix or exclude the link';
    case 'EISDIR':
      return 'is a directory';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files; retry with fewer --jobs';
    default:
      return err?.message ?? String(e);
  }
}
