// The system zlib (Debian: zlib1g-dev), used for dictzip and gzip files.
#include <zlib.h>
