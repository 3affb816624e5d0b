// SPDX-License-Identifier: GPL-2.0
/*
 * udp_rr - UDP request/reply load for bench/reply-throughput.sh.
 *
 *   udp_rr server ADDR PORT
 *	echo every datagram back to its sender (recvmmsg/sendmmsg batches)
 *   udp_rr client ADDR PORT SECONDS WINDOW
 *	one connect()ed socket (replies from any other source are dropped by
 *	the kernel, as for a stub resolver) keeping WINDOW requests in
 *	flight, sent and received in batches (sendmmsg/recvmmsg); prints
 *	"pairs N seconds S pps P lost L"
 *
 * Requests are 32 bytes shaped like a DNS header: the first two bytes are a
 * message ID, unique among the requests in flight, so the reply engine's
 * DNS matching (service port 53) tells them apart. A request whose reply
 * has not come back after 200 ms is counted lost and replaced.
 *
 *   udp_rr radius-server ADDR PORT
 *	answer every RADIUS Access-Request with itself as an Access-Challenge
 *	(its State attribute included, which the radius scheduler learns)
 *   udp_rr radius-client ADDR PORT SECONDS WINDOW
 *	as client, with Access-Requests (bench/radius-throughput.sh): the
 *	Identifier (one byte: WINDOW at most 255) tells them apart, and each
 *	carries NAS-IP-Address, the Calling-Station-Id of one of RADIUS_NAS
 *	stations in turn and that station's State, as later rounds of a login
 *	do
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH	64
#define LEN	32
/* Access-Request: header, NAS-IP-Address, Calling-Station-Id, State */
#define RLEN	(20 + 6 + 19 + 10)
#define RADIUS_NAS	4096
#define MAXWIN	4096
#define LOST_NS	200000000ULL

static int sockaddr_of(const char *addr, int port, struct sockaddr_storage *ss,
		       socklen_t *len)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		*len = sizeof(*s4);
		return AF_INET;
	}
	if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		*len = sizeof(*s6);
		return AF_INET6;
	}
	fprintf(stderr, "udp_rr: bad address %s\n", addr);
	exit(2);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int server(const char *addr, int port, int radius)
{
	struct sockaddr_storage ss, peers[BATCH];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	static char bufs[BATCH][2048];
	socklen_t len;
	int fd, one = 1, n, i;

	fd = socket(sockaddr_of(addr, port, &ss, &len), SOCK_DGRAM, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, len) < 0) {
		perror("udp_rr server");
		return 1;
	}
	for (;;) {
		for (i = 0; i < BATCH; i++) {
			iov[i].iov_base = bufs[i];
			iov[i].iov_len = sizeof(bufs[i]);
			memset(&msgs[i], 0, sizeof(msgs[i]));
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
			msgs[i].msg_hdr.msg_name = &peers[i];
			msgs[i].msg_hdr.msg_namelen = sizeof(peers[i]);
		}
		n = recvmmsg(fd, msgs, BATCH, MSG_WAITFORONE, NULL);
		if (n <= 0)
			continue;
		for (i = 0; i < n; i++) {
			iov[i].iov_len = msgs[i].msg_len;
			if (radius && msgs[i].msg_len >= 20 && bufs[i][0] == 1)
				bufs[i][0] = 11;	/* Access-Challenge */
		}
		sendmmsg(fd, msgs, n, 0);
	}
}

/* Access-Request @id from station @st */
static void radius_request(char *b, uint16_t id, unsigned int st)
{
	static const char nas[] = { 4, 6, (char)192, 0, 2, 1 };
	char v[32];

	memset(b, 0, 20);
	b[0] = 1;
	b[1] = id;
	b[3] = RLEN;
	memcpy(b + 20, nas, sizeof(nas));
	b[26] = 31;
	b[27] = 19;
	snprintf(v, sizeof(v), "02-00-00-%02X-%02X-%02X", st >> 16 & 255,
		 st >> 8 & 255, st & 255);
	memcpy(b + 28, v, 17);
	b[45] = 24;
	b[46] = 10;
	snprintf(v, sizeof(v), "ST%06X", st & 0xffffff);
	memcpy(b + 47, v, 8);
}

static int client(const char *addr, int port, double seconds, int window,
		  int radius)
{
	static uint64_t sent_at[65536];
	static unsigned char inflight[65536];
	static char rbufs[BATCH][2048], sbufs[BATCH][RLEN];
	unsigned int station = 0, nids = radius ? 256 : 65536;
	unsigned long long pairs = 0, lost = 0;
	struct mmsghdr rmsg[BATCH], smsg[BATCH];
	struct iovec riov[BATCH], siov[BATCH];
	uint64_t start, end, t, last_scan;
	struct sockaddr_storage ss;
	uint16_t next = 0, id;
	struct pollfd pfd;
	socklen_t len;
	int fd, inf = 0, i, n, k;

	if (window < 1 || window > (radius ? 255 : MAXWIN))
		window = 1;
	fd = socket(sockaddr_of(addr, port, &ss, &len), SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&ss, len) < 0) {
		perror("udp_rr client");
		return 1;
	}
	memset(smsg, 0, sizeof(smsg));
	memset(rmsg, 0, sizeof(rmsg));
	for (i = 0; i < BATCH; i++) {
		memset(sbufs[i], 0, LEN);
		sbufs[i][2] = 0x01;	/* RD */
		sbufs[i][5] = 0x01;	/* one question */
		siov[i].iov_base = sbufs[i];
		siov[i].iov_len = radius ? RLEN : LEN;
		smsg[i].msg_hdr.msg_iov = &siov[i];
		smsg[i].msg_hdr.msg_iovlen = 1;
		riov[i].iov_base = rbufs[i];
		riov[i].iov_len = sizeof(rbufs[i]);
		rmsg[i].msg_hdr.msg_iov = &riov[i];
		rmsg[i].msg_hdr.msg_iovlen = 1;
	}
	start = now_ns();
	last_scan = start;
	end = start + (uint64_t)(seconds * 1e9);
	pfd.fd = fd;
	pfd.events = POLLIN;
	for (;;) {
		t = now_ns();
		if (t >= end)
			break;
		/* Top the window up, one sendmmsg() per batch. */
		while (inf < window) {
			for (k = 0; k < BATCH && inf + k < window; k++) {
				while (inflight[next % nids])
					next++;
				id = next++ % nids;
				if (radius) {
					radius_request(sbufs[k], id, station);
					station = (station + 1) % RADIUS_NAS;
				} else {
					sbufs[k][0] = id >> 8;
					sbufs[k][1] = id & 0xff;
				}
				inflight[id] = 1;
				sent_at[id] = t;
			}
			n = sendmmsg(fd, smsg, k, 0);
			for (i = n < 0 ? 0 : n; i < k; i++)
				inflight[radius ? (unsigned char)sbufs[i][1] :
					 (unsigned char)sbufs[i][0] << 8 |
					 (unsigned char)sbufs[i][1]] = 0;
			if (n <= 0)
				break;
			inf += n;
		}
		if (poll(&pfd, 1, 20) > 0) {
			n = recvmmsg(fd, rmsg, BATCH, MSG_DONTWAIT, NULL);
			for (i = 0; i < n; i++) {
				if (rmsg[i].msg_len < 2)
					continue;
				id = radius ? (unsigned char)rbufs[i][1] :
				     (unsigned char)rbufs[i][0] << 8 |
				     (unsigned char)rbufs[i][1];
				if (!inflight[id])
					continue;
				inflight[id] = 0;
				inf--;
				pairs++;
			}
		}
		/* Replace requests whose replies are lost (rare: a scan). */
		t = now_ns();
		if (t - last_scan > LOST_NS / 2) {
			last_scan = t;
			for (i = 0; i < (int)nids; i++) {
				if (inflight[i] && t - sent_at[i] > LOST_NS) {
					inflight[i] = 0;
					inf--;
					lost++;
				}
			}
		}
	}
	t = now_ns();
	printf("pairs %llu seconds %.2f pps %.0f lost %llu\n", pairs,
	       (t - start) / 1e9, pairs / ((t - start) / 1e9), lost);
	return 0;
}

int main(int argc, char **argv)
{
	int radius = argc > 1 && !strncmp(argv[1], "radius-", 7);
	const char *cmd = argc > 1 ? argv[1] + (radius ? 7 : 0) : "";

	if (argc == 4 && !strcmp(cmd, "server"))
		return server(argv[2], atoi(argv[3]), radius);
	if (argc == 6 && !strcmp(cmd, "client"))
		return client(argv[2], atoi(argv[3]), atof(argv[4]),
			      atoi(argv[5]), radius);
	fprintf(stderr,
		"usage: udp_rr [radius-]server ADDR PORT\n"
		"       udp_rr [radius-]client ADDR PORT SECONDS WINDOW\n");
	return 2;
}
