// Speech synthesis with espeak-ng's library, for the spoken audible disclosure. In C because espeak-ng
// hands audio back through a callback, keeps global state (one synthesis at a time: a mutex here
// serialises callers), and its convenience initialiser prints and calls exit() when its data is
// missing; the espeak_ng_* calls used here return a status instead, copied into errbuf.
#include "CAILabelShims.h"

#include <espeak-ng/espeak_ng.h>
#include <espeak-ng/speak_lib.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t speech_lock = PTHREAD_MUTEX_INITIALIZER;
static int speech_initialised = 0;

// The synthesis under way (only one, under speech_lock).
static int16_t *speech_samples = NULL;
static uint64_t speech_count = 0;
static uint64_t speech_capacity = 0;
static uint64_t speech_limit = 0;
static int speech_failed = 0;  // 1: out of memory, 2: over the limit

static int speech_collect(short *wav, int count, espeak_EVENT *events) {
    (void)events;
    if (wav == NULL || count <= 0 || speech_failed) return speech_failed ? 1 : 0;
    if (speech_count + (uint64_t)count > speech_limit) {
        speech_failed = 2;
        return 1;  // non-zero stops the synthesis
    }
    if (speech_count + (uint64_t)count > speech_capacity) {
        uint64_t grown = speech_capacity ? speech_capacity * 2 : 65536;
        while (grown < speech_count + (uint64_t)count) grown *= 2;
        int16_t *bigger = realloc(speech_samples, (size_t)grown * sizeof(int16_t));
        if (bigger == NULL) {
            speech_failed = 1;
            return 1;
        }
        speech_samples = bigger;
        speech_capacity = grown;
    }
    memcpy(speech_samples + speech_count, wav, (size_t)count * sizeof(int16_t));
    speech_count += (uint64_t)count;
    return 0;
}

static void speech_error(char *errbuf, size_t errbuf_len, const char *what, espeak_ng_STATUS status) {
    if (errbuf == NULL || errbuf_len == 0) return;
    char text[256] = {0};
    espeak_ng_GetStatusCodeMessage(status, text, sizeof text);
    snprintf(errbuf, errbuf_len, "%s: %s", what, text);
}

CAILabel_Status CAILabel_speech_synthesize(const char *text, const char *voice, int32_t words_per_minute, uint64_t max_samples,
                                           int16_t **out_samples, uint64_t *out_count, int32_t *out_rate,
                                           char *errbuf, size_t errbuf_len) {
    if (text == NULL || voice == NULL || out_samples == NULL || out_count == NULL || out_rate == NULL) return CAILabel_BAD_ARGUMENT;
    *out_samples = NULL;
    *out_count = 0;
    *out_rate = 0;
    if (errbuf && errbuf_len) errbuf[0] = '\0';
    CAILabel_Status result = CAILabel_LIBRARY_ERROR;
    pthread_mutex_lock(&speech_lock);
    espeak_ng_STATUS status;
    if (!speech_initialised) {
        espeak_ng_InitializePath(NULL);
        espeak_ng_ERROR_CONTEXT context = NULL;
        status = espeak_ng_Initialize(&context);
        espeak_ng_ClearErrorContext(&context);
        if (status != ENS_OK) {
            speech_error(errbuf, errbuf_len, "espeak-ng cannot start (is espeak-ng-data installed?)", status);
            goto done;
        }
        status = espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, 0, NULL);
        if (status != ENS_OK) {
            speech_error(errbuf, errbuf_len, "espeak-ng cannot start its output", status);
            goto done;
        }
        espeak_SetSynthCallback(speech_collect);
        speech_initialised = 1;
    }
    status = espeak_ng_SetVoiceByName(voice);
    if (status != ENS_OK) {
        speech_error(errbuf, errbuf_len, "espeak-ng has no voice for this language", status);
        goto done;
    }
    if (words_per_minute > 0) espeak_ng_SetParameter(espeakRATE, words_per_minute, 0);
    // espeak-ng draws noise (fricatives, breath) from rand(): a fixed seed keeps that part the same.
    // Its waveform generator's phase carries over from one synthesis to the next, so the same text is
    // never sample-identical twice; verify compares spectral envelopes, which it does not change.
    srand(1);
    speech_samples = NULL;
    speech_count = 0;
    speech_capacity = 0;
    speech_limit = max_samples;
    speech_failed = 0;
    status = espeak_ng_Synthesize(text, strlen(text) + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, NULL, NULL);
    if (speech_failed == 0 && status == ENS_OK) status = espeak_ng_Synchronize();
    if (speech_failed) {
        free(speech_samples);
        if (errbuf && errbuf_len)
            snprintf(errbuf, errbuf_len, speech_failed == 2 ? "the spoken disclosure is longer than the limit" : "out of memory synthesising speech");
        result = speech_failed == 2 ? CAILabel_LIMIT_EXCEEDED : CAILabel_ALLOC_FAILED;
    } else if (status != ENS_OK) {
        free(speech_samples);
        speech_error(errbuf, errbuf_len, "espeak-ng cannot synthesise the text", status);
    } else {
        *out_samples = speech_samples;
        *out_count = speech_count;
        *out_rate = espeak_ng_GetSampleRate();
        result = CAILabel_OK;
    }
    speech_samples = NULL;
    speech_count = speech_capacity = 0;
done:
    pthread_mutex_unlock(&speech_lock);
    return result;
}
