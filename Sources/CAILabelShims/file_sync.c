// Linux calls that glibc hides behind _GNU_SOURCE or in headers Swift's Glibc module does not export (see CAILabelShims.h).
#define _GNU_SOURCE
#include "CAILabelShims.h"

#include <unistd.h>

int CAILabel_syncfs(int fd) { return syncfs(fd); }

long CAILabel_copy_file_range(int in_fd, int64_t *in_offset, int out_fd, unsigned long length) {
    off_t offset = (off_t)*in_offset;
    ssize_t copied = copy_file_range(in_fd, &offset, out_fd, NULL, length, 0);
    *in_offset = (int64_t)offset;
    return (long)copied;
}

#include <sys/xattr.h>

long CAILabel_flistxattr(int fd, char *list, unsigned long size) { return flistxattr(fd, list, size); }
long CAILabel_fgetxattr(int fd, const char *name, void *value, unsigned long size) { return fgetxattr(fd, name, value, size); }
int CAILabel_fsetxattr(int fd, const char *name, const void *value, unsigned long size, int flags) {
    return fsetxattr(fd, name, value, size, flags);
}

#include <malloc.h>

int CAILabel_keep_freed_memory(int mmap_threshold, int trim_threshold) {
    return mallopt(M_MMAP_THRESHOLD, mmap_threshold) == 1 && mallopt(M_TRIM_THRESHOLD, trim_threshold) == 1;
}
