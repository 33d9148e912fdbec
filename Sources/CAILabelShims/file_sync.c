// Linux file-flushing calls that glibc hides behind _GNU_SOURCE (see CAILabelShims.h).
#define _GNU_SOURCE
#include "CAILabelShims.h"

#include <unistd.h>

int CAILabel_syncfs(int fd) { return syncfs(fd); }
