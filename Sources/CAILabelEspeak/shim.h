// espeak-ng (Debian's libespeak-ng): offline speech synthesis of the audible disclosure.
#include <espeak-ng/speak_lib.h>
#include <espeak-ng/espeak_ng.h>
