// jpeglib.h needs size_t and FILE declared before it.
#include <stdio.h>
#include <stddef.h>
#include <jpeglib.h>
#include <jerror.h>
