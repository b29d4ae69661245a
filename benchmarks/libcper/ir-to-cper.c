/*
 * ir-to-cper: reads one libcper JSON document (CPER-IR, as cper-ndjson prints a record) and writes the CPER record
 * openbmc/libcper's own reader (ir_to_cper) builds from it, to standard output. Written to make the read-back fixtures
 * in fixtures/libcper-walk/readback (what libcper makes of its own JSON); it is a harness, not part of ApeiKit.
 *
 * Build: cc -O2 -o ir-to-cper ir-to-cper.c -I<libcper>/include -I<libcper>/include/libcper \
 *        $(pkg-config --cflags --libs json-c) -L<build> -lcper-parse
 * Usage: ir-to-cper FILE.json > FILE.bin
 */
#include <stdio.h>
#include <json.h>
#include <libcper/cper-parse.h>

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s FILE.json\n", argv[0]);
		return 2;
	}
	json_object *ir = json_object_from_file(argv[1]);
	if (ir == NULL) {
		fprintf(stderr, "%s: not JSON\n", argv[1]);
		return 1;
	}
	ir_to_cper(ir, stdout);
	fflush(stdout);
	json_object_put(ir);
	return 0;
}
