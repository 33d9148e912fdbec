// A load generator for `ailabel serve`, in C so that the client costs the shared cores as little as
// possible: exactly REQUESTS POST /v1/verify over CONNECTIONS keep-alive connections (one blocking
// thread each), the bodies taken in turn from the files listed in FILE_LIST.
//
//     loadgen URL TOKEN FILE_LIST REQUESTS CONNECTIONS
//
// Prints the line load.py prints:
//     RESULT requests=N ok=N errors=N socket_errors=N seconds=S rate=R p50_ms=.. p99_ms=.. max_ms=..
//            client_cpu_s=.. statuses={...} verdicts={...}
// An error is any answer but 200 with a JSON record that has a verdict; a socket error is a connection
// that failed (it is reopened, and the request counted as failed, not retried). Latency runs from the
// first byte sent to the last byte of the answer read. client_cpu_s is this process's user and system
// time during the run: the client shares the cores with the server, so the run script shows it.
//
// Why not Python (load.py, kept for machines without a C compiler): its asyncio loop cost about 0.16 ms
// of CPU per request, an eighth of what the server spends on one; this costs a fraction of that.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    char *data;
    int fd;  // the file, kept open for sendfile
    size_t size;
    char head[512];
    size_t head_size;
} Body;

static struct sockaddr_storage server_address;
static socklen_t server_address_size;
static Body *bodies;
static size_t body_count;
static long total_requests;
static atomic_long next_request;
static double *latencies;
static atomic_long latency_count;
static atomic_long ok_count, error_count, socket_error_count;

#define MAX_KINDS 16
typedef struct {
    char name[32];
    long count;
} Tally;
static Tally statuses[MAX_KINDS], verdicts[MAX_KINDS];
static pthread_mutex_t tally_lock = PTHREAD_MUTEX_INITIALIZER;

static void tally(Tally *table, const char *name) {
    pthread_mutex_lock(&tally_lock);
    for (int i = 0; i < MAX_KINDS; i++) {
        if (table[i].count == 0) snprintf(table[i].name, sizeof table[i].name, "%s", name);
        if (strcmp(table[i].name, name) == 0) {
            table[i].count++;
            break;
        }
    }
    pthread_mutex_unlock(&tally_lock);
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static int open_connection(void) {
    int fd = socket(server_address.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct timeval timeout = {.tv_sec = 120};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    if (connect(fd, (struct sockaddr *)&server_address, server_address_size) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int send_copied(int fd, const Body *body);

// The head with send(), the file with sendfile(): the kernel hands the file's cached pages to the
// socket instead of copying the body from this process, which took about 40% of the client's CPU
// (the client shares the cores with the server it measures). Where sendfile is refused, writev.
static int send_all(int fd, const Body *body) {
    size_t head_sent = 0;
    while (head_sent < body->head_size) {
        ssize_t sent = send(fd, body->head + head_sent, body->head_size - head_sent, MSG_MORE | MSG_NOSIGNAL);
        if (sent < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        head_sent += sent;
    }
    off_t offset = 0;
    while ((size_t)offset < body->size) {
        ssize_t sent = sendfile(fd, body->fd, &offset, body->size - offset);
        if (sent < 0) {
            if (errno == EINTR) continue;
            if ((errno == EINVAL || errno == ENOSYS) && offset == 0) return send_copied(fd, body);
            return -1;
        }
        if (sent == 0) return -1;
    }
    return 0;
}

static int send_copied(int fd, const Body *body) {
    struct iovec parts[2] = {{(void *)body->head, body->head_size}, {body->data, body->size}};
    int index = 1;  // the head is sent
    while (index < 2) {
        ssize_t sent = writev(fd, parts + index, 2 - index);
        if (sent < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        while (index < 2 && (size_t)sent >= parts[index].iov_len) {
            sent -= parts[index].iov_len;
            index++;
        }
        if (index < 2) {
            parts[index].iov_base = (char *)parts[index].iov_base + sent;
            parts[index].iov_len -= sent;
        }
    }
    return 0;
}

// A connection's read buffer: bytes from `start` to `end` are read but not yet used.
typedef struct {
    char *data;
    size_t capacity, start, end;
} Reader;

static int fill(int fd, Reader *reader) {
    if (reader->start > 0) {
        memmove(reader->data, reader->data + reader->start, reader->end - reader->start);
        reader->end -= reader->start;
        reader->start = 0;
    }
    if (reader->end == reader->capacity) {
        reader->capacity *= 2;
        if (reader->capacity > (64u << 20)) return -1;
        reader->data = realloc(reader->data, reader->capacity);
        if (!reader->data) return -1;
    }
    ssize_t got;
    do got = recv(fd, reader->data + reader->end, reader->capacity - reader->end, 0);
    while (got < 0 && errno == EINTR);
    if (got <= 0) return -1;
    reader->end += got;
    return 0;
}

// The index just past "\r\n" at or after `from`, reading more as needed, or -1.
static long line_end(int fd, Reader *reader, size_t from) {
    for (;;) {
        char *found = memmem(reader->data + from, reader->end - from, "\r\n", 2);
        if (found) return found - reader->data + 2;
        size_t consumed = reader->start;
        if (fill(fd, reader) != 0) return -1;
        from -= consumed;
        if (from > 0) from--;
    }
}

// Reads one response; fills status, the body (malloc'd) and whether the server closes.
static int read_response(int fd, Reader *reader, int *status, char **body, size_t *body_size, int *close_after) {
    long end = line_end(fd, reader, reader->start);
    if (end < 0) return -1;
    if (end - reader->start < 12 || strncmp(reader->data + reader->start, "HTTP/1.1 ", 9) != 0) return -1;
    *status = atoi(reader->data + reader->start + 9);
    reader->start = end;
    long length = -1;
    int chunked = 0;
    *close_after = 0;
    for (;;) {
        end = line_end(fd, reader, reader->start);
        if (end < 0) return -1;
        char *line = reader->data + reader->start;
        size_t size = end - reader->start - 2;
        reader->start = end;
        if (size == 0) break;
        if (size > 15 && strncasecmp(line, "content-length:", 15) == 0) length = atol(line + 15);
        if (size > 18 && strncasecmp(line, "transfer-encoding:", 18) == 0 && memmem(line, size, "chunked", 7)) chunked = 1;
        if (size > 11 && strncasecmp(line, "connection:", 11) == 0 && memmem(line, size, "close", 5)) *close_after = 1;
    }
    size_t capacity = 4096, used = 0;
    char *out = malloc(capacity);
    for (;;) {
        long want = length;
        if (chunked) {
            end = line_end(fd, reader, reader->start);
            if (end < 0) goto fail;
            want = strtol(reader->data + reader->start, NULL, 16);
            reader->start = end;
            if (want == 0) {
                end = line_end(fd, reader, reader->start);
                if (end < 0) goto fail;
                reader->start = end;
                break;
            }
        }
        if (want < 0) want = 0;
        while ((long)(reader->end - reader->start) < want + (chunked ? 2 : 0))
            if (fill(fd, reader) != 0) goto fail;
        if (used + want + 1 > capacity) {
            while (used + want + 1 > capacity) capacity *= 2;
            out = realloc(out, capacity);
        }
        memcpy(out + used, reader->data + reader->start, want);
        used += want;
        reader->start += want + (chunked ? 2 : 0);
        if (!chunked) break;
    }
    out[used] = 0;
    *body = out;
    *body_size = used;
    return 0;
fail:
    free(out);
    return -1;
}

static void *connection(void *unused) {
    (void)unused;
    Reader reader = {.data = malloc(65536), .capacity = 65536};
    int fd = -1;
    for (;;) {
        long index = atomic_fetch_add(&next_request, 1);
        if (index >= total_requests) break;
        if (fd < 0) fd = open_connection();
        if (fd < 0) {
            atomic_fetch_add(&socket_error_count, 1);
            continue;
        }
        const Body *body = &bodies[index % body_count];
        double started = now();
        int status = 0, close_after = 0;
        char *answer = NULL;
        size_t answer_size = 0;
        if (send_all(fd, body) != 0 || read_response(fd, &reader, &status, &answer, &answer_size, &close_after) != 0) {
            atomic_fetch_add(&socket_error_count, 1);
            close(fd);
            fd = -1;
            reader.start = reader.end = 0;
            continue;
        }
        latencies[atomic_fetch_add(&latency_count, 1)] = now() - started;
        char status_text[16];
        snprintf(status_text, sizeof status_text, "%d", status);
        tally(statuses, status_text);
        char *verdict = status == 200 ? strstr(answer, "\"verdict\":\"") : NULL;
        if (verdict) {
            verdict += 11;
            char *quote = strchr(verdict, '"');
            char name[32];
            size_t size = quote ? (size_t)(quote - verdict) : 0;
            if (size == 0 || size >= sizeof name) {
                atomic_fetch_add(&error_count, 1);
            } else {
                memcpy(name, verdict, size);
                name[size] = 0;
                tally(verdicts, name);
                atomic_fetch_add(&ok_count, 1);
            }
        } else {
            atomic_fetch_add(&error_count, 1);
        }
        free(answer);
        if (close_after) {
            close(fd);
            fd = -1;
            reader.start = reader.end = 0;
        }
    }
    if (fd >= 0) close(fd);
    free(reader.data);
    return NULL;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

// As load.py: the value at rank round(fraction * n), counted from 1.
static double percentile(const double *sorted, long count, double fraction) {
    if (count == 0) return 0;
    long rank = (long)(fraction * count + 0.5) - 1;
    if (rank < 0) rank = 0;
    if (rank > count - 1) rank = count - 1;
    return sorted[rank];
}

static void print_tally(const char *label, Tally *table) {
    printf(" %s={", label);
    int first = 1;
    // Sorted by name, as load.py's json.dumps(sort_keys=True).
    for (;;) {
        Tally *least = NULL;
        for (int i = 0; i < MAX_KINDS; i++)
            if (table[i].count > 0 && (!least || strcmp(table[i].name, least->name) < 0)) least = &table[i];
        if (!least) break;
        printf("%s\"%s\":%ld", first ? "" : ",", least->name, least->count);
        least->count = -least->count;
        first = 0;
    }
    for (int i = 0; i < MAX_KINDS; i++)
        if (table[i].count < 0) table[i].count = -table[i].count;
    printf("}");
}

static double cpu_seconds(void) {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: loadgen URL TOKEN FILE_LIST REQUESTS CONNECTIONS\n");
        return 2;
    }
    char host[256];
    int port = 0;
    if (sscanf(argv[1], "http://%255[^:/]:%d", host, &port) != 2) {
        fprintf(stderr, "loadgen: the URL must be http://HOST:PORT\n");
        return 2;
    }
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *found;
    char port_text[16];
    snprintf(port_text, sizeof port_text, "%d", port);
    if (getaddrinfo(host, port_text, &hints, &found) != 0) {
        fprintf(stderr, "loadgen: cannot resolve %s\n", host);
        return 2;
    }
    memcpy(&server_address, found->ai_addr, found->ai_addrlen);
    server_address_size = found->ai_addrlen;
    freeaddrinfo(found);

    FILE *list = fopen(argv[3], "r");
    if (!list) {
        fprintf(stderr, "loadgen: cannot read %s\n", argv[3]);
        return 2;
    }
    char path[4096];
    size_t capacity = 16;
    bodies = calloc(capacity, sizeof *bodies);
    while (fgets(path, sizeof path, list)) {
        path[strcspn(path, "\r\n")] = 0;
        if (!path[0]) continue;
        FILE *file = fopen(path, "rb");
        if (!file) {
            fprintf(stderr, "loadgen: cannot read %s\n", path);
            return 2;
        }
        if (body_count == capacity) bodies = realloc(bodies, (capacity *= 2) * sizeof *bodies);
        Body *body = &bodies[body_count++];
        fseek(file, 0, SEEK_END);
        body->size = ftell(file);
        fseek(file, 0, SEEK_SET);
        body->data = malloc(body->size ? body->size : 1);
        if (fread(body->data, 1, body->size, file) != body->size) {
            fprintf(stderr, "loadgen: cannot read %s\n", path);
            return 2;
        }
        fclose(file);
        body->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (body->fd < 0) {
            fprintf(stderr, "loadgen: cannot open %s\n", path);
            return 2;
        }
        body->head_size = snprintf(body->head, sizeof body->head,
                                   "POST /v1/verify?filename=photo.jpg HTTP/1.1\r\nHost: %s:%d\r\nAuthorization: Bearer %s\r\n"
                                   "Content-Type: image/jpeg\r\nContent-Length: %zu\r\n\r\n",
                                   host, port, argv[2], body->size);
    }
    fclose(list);
    if (body_count == 0) {
        fprintf(stderr, "loadgen: %s lists no file\n", argv[3]);
        return 2;
    }
    total_requests = atol(argv[4]);
    int connections = atoi(argv[5]);
    if (total_requests <= 0 || connections <= 0 || connections > 4096) {
        fprintf(stderr, "loadgen: REQUESTS and CONNECTIONS must be positive\n");
        return 2;
    }
    latencies = calloc(total_requests, sizeof *latencies);

    double cpu_before = cpu_seconds(), started = now();
    pthread_t *threads = calloc(connections, sizeof *threads);
    for (int i = 0; i < connections; i++) {
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setstacksize(&attributes, 256 << 10);
        pthread_create(&threads[i], &attributes, connection, NULL);
        pthread_attr_destroy(&attributes);
    }
    for (int i = 0; i < connections; i++) pthread_join(threads[i], NULL);
    double seconds = now() - started, client_cpu = cpu_seconds() - cpu_before;

    long count = atomic_load(&latency_count);
    qsort(latencies, count, sizeof *latencies, compare);
    long ok = atomic_load(&ok_count), errors = atomic_load(&error_count), socket_errors = atomic_load(&socket_error_count);
    printf("RESULT requests=%ld ok=%ld errors=%ld socket_errors=%ld seconds=%.3f rate=%.1f p50_ms=%.1f p99_ms=%.1f max_ms=%.1f client_cpu_s=%.2f",
           ok + errors + socket_errors, ok, errors, socket_errors, seconds, ok / seconds, percentile(latencies, count, 0.50) * 1000,
           percentile(latencies, count, 0.99) * 1000, (count ? latencies[count - 1] : 0) * 1000, client_cpu);
    print_tally("statuses", statuses);
    print_tally("verdicts", verdicts);
    printf("\n");
    return 0;
}
