// FFmpeg's libraries (Debian's libav*): demuxing and muxing, decoding and encoding, scaling and resampling
// of video and audio. Only the C shims and the AV layer of AILabelMedia import this module.
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/channel_layout.h>
#include <libavutil/display.h>
#include <libswscale/swscale.h>
#include <libswresample/swresample.h>
