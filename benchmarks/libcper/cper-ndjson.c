/*
 * cper-ndjson: streams concatenated CPER records through openbmc/libcper's cper_buf_to_ir and prints each record's
 * JSON on one line (json-c, plain, slashes unescaped), the output `apeikit decode -f ndjson --json-style libcper`
 * writes. Written for benchmarks/side-by-side.sh; it is the harness, not part of ApeiKit.
 *
 * Reading: a fixed 1 MiB window over the file (fread), so memory stays bounded like apeikit's. Framing: a record
 * starts with "CPER"; its RecordLength (offset 20, little-endian u32) says how many bytes it takes. A record longer
 * than the window, or bytes that do not start a record, are skipped one byte at a time to the next "CPER" (the
 * side-by-side dumps have neither; the count is printed on stderr).
 *
 * Build: cc -O2 -o cper-ndjson cper-ndjson.c -I<libcper>/include -I<libcper>/include/libcper \
 *        $(pkg-config --cflags --libs json-c) -L<build> -lcper-parse
 * Usage: cper-ndjson FILE > out.ndjson
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json.h>
#include <libcper/cper-parse.h>

#define WINDOW (1u << 20)

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s FILE\n", argv[0]);
		return 2;
	}
	FILE *in = fopen(argv[1], "rb");
	if (in == NULL) {
		perror(argv[1]);
		return 2;
	}
	static char outbuf[1 << 18];
	setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
	unsigned char *buf = malloc(WINDOW);
	size_t have = 0, pos = 0;
	unsigned long records = 0, failed = 0, skipped = 0;
	int eof = 0;
	const int flags = JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE;
	for (;;) {
		if (!eof && have - pos < WINDOW / 2) {
			memmove(buf, buf + pos, have - pos);
			have -= pos;
			pos = 0;
			size_t n = fread(buf + have, 1, WINDOW - have, in);
			have += n;
			if (n == 0)
				eof = 1;
		}
		size_t left = have - pos;
		if (left == 0)
			break;
		if (left < 24 || memcmp(buf + pos, "CPER", 4) != 0) {
			if (eof && left < 24) {
				skipped += left;
				break;
			}
			pos++;
			skipped++;
			continue;
		}
		uint32_t len = le32(buf + pos + 20);
		if (len < 128 || len > WINDOW / 2) {
			pos++;
			skipped++;
			continue;
		}
		if (len > left) {
			if (eof) {
				skipped += left;
				break;
			}
			continue; /* refill */
		}
		json_object *ir = cper_buf_to_ir(buf + pos, len);
		if (ir != NULL) {
			size_t n;
			const char *s = json_object_to_json_string_length(ir, flags, &n);
			fwrite(s, 1, n, stdout);
			fputc('\n', stdout);
			json_object_put(ir);
		} else {
			failed++;
		}
		records++;
		pos += len;
	}
	fflush(stdout);
	fprintf(stderr, "cper-ndjson: %lu records (%lu not parsed by libcper), %lu bytes skipped\n", records, failed, skipped);
	free(buf);
	fclose(in);
	return 0;
}
