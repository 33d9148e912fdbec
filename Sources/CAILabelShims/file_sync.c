// Linux file-flushing and extended-attribute calls that glibc hides behind _GNU_SOURCE (see CAILabelShims.h).
#define _GNU_SOURCE
#include "CAILabelShims.h"

#include <unistd.h>

int CAILabel_syncfs(int fd) { return syncfs(fd); }

#include <sys/xattr.h>

long CAILabel_flistxattr(int fd, char *list, unsigned long size) { return flistxattr(fd, list, size); }
long CAILabel_fgetxattr(int fd, const char *name, void *value, unsigned long size) { return fgetxattr(fd, name, value, size); }
int CAILabel_fsetxattr(int fd, const char *name, const void *value, unsigned long size, int flags) {
    return fsetxattr(fd, name, value, size, flags);
}
