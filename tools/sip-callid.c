// SPDX-License-Identifier: GPL-2.0
/*
 * sip-callid - print the Call-ID key the IPVS "sip" scheduler would use
 *
 * Usage: sip-callid [-v|--verbose] [FILE|-]
 *
 * Reads one datagram: the whole of FILE, or standard input when FILE is
 * missing or "-". The whole datagram is given to the parser (the same code
 * as in ip_vs_sip.ko), which reads its header section, up to
 * IP_VS_SIP_HDR_MAX bytes; the bytes past IP_VS_SIP_HDR_MAX + 1 are read and
 * ignored (no UDP datagram has that many).
 *
 * Prints the key followed by a newline and exits 0, or prints "none" and
 * exits 1 when the datagram has no key. The key is printed as raw bytes: a
 * folded Call-ID (documented in ip_vs_sip_parse.c) keeps its line break.
 * With --verbose, the key line is followed by "name: value" lines with the
 * key length, method, response status and flags. Exits 2 on usage or I/O
 * errors.
 *
 * Standalone build, from the top of the tree: compile this file together
 * with kernel/ip_vs_sip_parse.c, "cc -std=c11 -Wall -Wextra -Werror -I kernel".
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ip_vs_sip_parse.h"

static void print_usage(FILE *f)
{
	fprintf(f,
		"Usage: sip-callid [-v|--verbose] [FILE|-]\n"
		"Print the Call-ID key of one SIP datagram (FILE, or stdin\n"
		"when FILE is missing or \"-\"), as the IPVS sip scheduler\n"
		"sees it: the header section, at most %d bytes, is parsed.\n"
		"Exit status: 0 key printed, 1 no key (prints \"none\"),\n"
		"2 usage or I/O error.\n"
		"  -v, --verbose  also print method, status and flags\n"
		"  -h, --help     show this help\n",
		IP_VS_SIP_HDR_MAX);
}

static void print_flags(unsigned int flags)
{
	const char *sep = "";

	printf("flags:");
	if (!flags)
		printf(" none");
	if (flags & IP_VS_SIP_F_RESPONSE) {
		printf("%s response", sep);
		sep = ",";
	}
	if (flags & IP_VS_SIP_F_OVERSIZED) {
		printf("%s oversized", sep);
		sep = ",";
	}
	if (flags & IP_VS_SIP_F_TRUNCATED) {
		printf("%s truncated", sep);
		sep = ",";
	}
	if (flags & IP_VS_SIP_F_TOOLONG)
		printf("%s toolong", sep);
	printf("\n");
}

int main(int argc, char **argv)
{
	static u8 buf[IP_VS_SIP_HDR_MAX + 1];
	const char *path = NULL, *name, *type;
	struct ip_vs_sip_msg msg;
	size_t len = 0, total = 0, n;
	int verbose = 0, opts = 1, ret, i;
	char sink[4096];
	FILE *f;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (opts && (!strcmp(a, "-v") || !strcmp(a, "--verbose"))) {
			verbose = 1;
		} else if (opts && (!strcmp(a, "-h") || !strcmp(a, "--help"))) {
			print_usage(stdout);
			return 0;
		} else if (opts && !strcmp(a, "--")) {
			opts = 0;
		} else if (opts && a[0] == '-' && a[1]) {
			fprintf(stderr, "sip-callid: unknown option '%s'\n", a);
			print_usage(stderr);
			return 2;
		} else if (!path) {
			path = a;
		} else {
			fprintf(stderr, "sip-callid: more than one FILE\n");
			print_usage(stderr);
			return 2;
		}
	}

	if (!path || !strcmp(path, "-")) {
		f = stdin;
		name = "<stdin>";
	} else {
		f = fopen(path, "rb");
		name = path;
		if (!f) {
			fprintf(stderr, "sip-callid: %s: %s\n", name,
				strerror(errno));
			return 2;
		}
	}

	/* Keep the first IP_VS_SIP_HDR_MAX + 1 bytes, count the rest. */
	len = fread(buf, 1, sizeof(buf), f);
	total = len;
	while (len == sizeof(buf) && (n = fread(sink, 1, sizeof(sink), f)))
		total += n;
	if (ferror(f)) {
		fprintf(stderr, "sip-callid: %s: read error\n", name);
		if (f != stdin)
			fclose(f);
		return 2;
	}
	if (f != stdin)
		fclose(f);

	ret = ip_vs_sip_parse(buf, len, &msg);
	if (ret) {
		printf("none\n");
	} else {
		fwrite(msg.callid, 1, msg.callid_len, stdout);
		putchar('\n');
	}

	if (verbose) {
		/*
		 * Not SIP and a request with an extension method and no
		 * usable Call-ID give the same all-zero result.
		 */
		if (msg.flags & IP_VS_SIP_F_RESPONSE)
			type = "response";
		else if (!ret || msg.method || msg.flags)
			type = "request";
		else
			type = "not SIP, or extension request without key";
		printf("type: %s\n", type);
		printf("method: %s\n", ip_vs_sip_method_name(msg.method));
		printf("status: %u\n", (unsigned int)msg.status);
		printf("length: %u\n", (unsigned int)msg.callid_len);
		print_flags(msg.flags);
		printf("bytes: %zu (parsed %zu)\n", total, len);
	}

	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "sip-callid: write error\n");
		return 2;
	}
	return ret ? 1 : 0;
}
