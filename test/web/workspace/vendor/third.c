/* Tier-2 fixture: excluded by the workspace's .pagecost.json ("vendor/**"). */
#include <stdlib.h>
void *third(void *p) { return realloc(p, 64); }
