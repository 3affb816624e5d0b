// SPDX-License-Identifier: GPL-2.0
/*
 * udpq: the UDP peers of the QEMU smoke test (tests/qemu/), built static so
 * that they run in the busybox initramfs.
 *
 *   udpq serve PORT NAME
 *	answer every datagram: a SIP request with "SIP/2.0 200 OK" and the
 *	line "X-Server: NAME"; anything else (DNS) with a copy whose QR bit is
 *	set, followed by NAME. Runs until killed.
 *   udpq sip SPORT DST DPORT CALLID METHOD
 *	send one SIP request from port SPORT and print "SRC NAME" of the reply.
 *   udpq dns SPORT DST DPORT ID
 *	send one DNS-like query with message ID and print "SRC NAME".
 * Exit 1 if no reply came within 2 s.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static int bound(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_DGRAM, 0), one = 1;

	a.sin_port = htons((unsigned short)port);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
				 sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a))) {
		perror("udpq: socket");
		exit(2);
	}
	return fd;
}

static void __attribute__((noreturn)) serve(int port, const char *name)
{
	int fd = bound(port);
	char in[2048], out[2300];

	for (;;) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, in, sizeof(in) - 1, 0,
				     (struct sockaddr *)&from, &fl);
		int len;

		if (n <= 0)
			continue;
		in[n] = 0;
		if (strstr(in, " SIP/2.0\r\n")) {
			len = snprintf(out, sizeof(out),
				       "SIP/2.0 200 OK\r\nX-Server: %s\r\n"
				       "Content-Length: 0\r\n\r\n", name);
		} else {
			memcpy(out, in, (size_t)n);
			if (n > 2)
				out[2] = (char)(out[2] | 0x80);
			len = (int)n + snprintf(out + n, sizeof(out) - (size_t)n,
						"%s", name);
		}
		sendto(fd, out, (size_t)len, 0, (struct sockaddr *)&from, fl);
	}
}

static int ask(int sport, const char *dst, int dport, const char *msg,
	       size_t len, size_t name_off)
{
	struct sockaddr_in to = { .sin_family = AF_INET }, from;
	struct timeval tv = { .tv_sec = 2 };
	socklen_t fl = sizeof(from);
	int fd = bound(sport);
	char in[2048], *name;
	ssize_t n;

	to.sin_port = htons((unsigned short)dport);
	if (inet_pton(AF_INET, dst, &to.sin_addr) != 1)
		return 2;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (sendto(fd, msg, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
		perror("udpq: sendto");
		return 2;
	}
	n = recvfrom(fd, in, sizeof(in) - 1, 0, (struct sockaddr *)&from, &fl);
	if (n <= 0) {
		printf("timeout\n");
		return 1;
	}
	in[n] = 0;
	if (name_off) {
		name = (size_t)n > name_off ? in + name_off : "?";
	} else {
		name = strstr(in, "X-Server: ");
		name = name ? name + 10 : "?";
		name[strcspn(name, "\r\n")] = 0;
	}
	printf("%s %s\n", inet_ntoa(from.sin_addr), name);
	return 0;
}

int main(int argc, char **argv)
{
	char msg[1024];
	int len;

	if (argc == 4 && !strcmp(argv[1], "serve"))
		serve(atoi(argv[2]), argv[3]);
	if (argc == 7 && !strcmp(argv[1], "sip")) {
		len = snprintf(msg, sizeof(msg),
			       "%s sip:bob@%s SIP/2.0\r\n"
			       "Via: SIP/2.0/UDP 10.0.1.2:%s;branch=z9hG4bK-%s-%s\r\n"
			       "From: <sip:alice@10.0.1.2>;tag=a1\r\n"
			       "To: <sip:bob@%s>\r\n"
			       "Call-ID: %s\r\n"
			       "CSeq: 1 %s\r\n"
			       "Max-Forwards: 70\r\n"
			       "Content-Length: 0\r\n\r\n",
			       argv[6], argv[3], argv[2], argv[5], argv[6],
			       argv[3], argv[5], argv[6]);
		return ask(atoi(argv[2]), argv[3], atoi(argv[4]), msg,
			   (size_t)len, 0);
	}
	if (argc == 6 && !strcmp(argv[1], "dns")) {
		/* header: ID, RD, one question "a." IN A */
		static const unsigned char q[] = { 0, 0, 1, 0, 0, 1, 0, 0,
						   0, 0, 0, 0, 1, 'a', 0, 0,
						   1, 0, 1 };
		unsigned int id = (unsigned int)atoi(argv[5]);

		memcpy(msg, q, sizeof(q));
		msg[0] = (char)(id >> 8);
		msg[1] = (char)id;
		return ask(atoi(argv[2]), argv[3], atoi(argv[4]), msg,
			   sizeof(q), sizeof(q));
	}
	fprintf(stderr, "usage: udpq serve PORT NAME | sip SPORT DST DPORT "
			"CALLID METHOD | dns SPORT DST DPORT ID\n");
	return 2;
}
