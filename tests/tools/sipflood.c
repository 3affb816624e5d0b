// SPDX-License-Identifier: GPL-2.0
/*
 * sipflood - send many small SIP requests, each with a new random Call-ID,
 * to one UDP address as fast as possible (or at a given rate), batching
 * with sendmmsg(2). Used by tests/scenarios/sip-scale.sh to check that the
 * ip_vs_sip binding table stays within its cap under a Call-ID flood.
 *
 * Usage: sipflood [-n COUNT] [-b BATCH] [-r PPS] [-T SECONDS] [-m METHOD]
 *                 [-k PER_CALL] [-M] [-s SRCPORT] [-S SEED] ADDR PORT
 *
 *   -n COUNT    datagrams to send (default 1000000)
 *   -b BATCH    datagrams per sendmmsg() call (default 64, at most 1024)
 *   -r PPS      pace to about PPS datagrams per second (default: no pacing)
 *   -T SECONDS  stop after this long even if COUNT was not reached (60)
 *   -m METHOD   request method (default INVITE)
 *   -k PER_CALL datagrams per Call-ID (default 1: every datagram a new
 *               call; 3 is a call's INVITE, ACK and BYE)
 *   -M          the requests a registrar and proxy sees, instead of one
 *               method: every 10 datagrams are a call (INVITE, its
 *               retransmission, ACK and BYE on a new Call-ID), four
 *               REGISTER refreshes (each from one of 1,000 user agents, a
 *               Call-ID per agent for its whole life, as RFC 3261 10.2
 *               asks) and two OPTIONS keepalives (a new Call-ID each).
 *               So 3 datagrams in 10 carry a Call-ID not seen before.
 *   -s SRCPORT  bind this source port (default: an ephemeral one)
 *   -S SEED     PRNG seed for the Call-IDs (default: time and pid)
 *
 * Prints one JSON line: {"sent": N, "errors": N, "seconds": S, "pps": R}.
 * Exit status 0 when COUNT datagrams were sent, 1 otherwise.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>

#define MAX_BATCH 1024
#define MSG_MAX 512
#define ID_HEX 24 /* hex digits of random Call-ID (96 bits) */
#define MIX_AGENTS 1000

/* -M: the method of each datagram of a cycle of 10 */
enum { MIX_INVITE, MIX_ACK, MIX_BYE, MIX_REGISTER, MIX_OPTIONS, MIX_N };
static const char *const mix_names[MIX_N] = {
	"INVITE", "ACK", "BYE", "REGISTER", "OPTIONS",
};
static const int mix_cycle[10] = {
	MIX_INVITE, MIX_INVITE, MIX_ACK, MIX_BYE, MIX_REGISTER,
	MIX_REGISTER, MIX_REGISTER, MIX_REGISTER, MIX_OPTIONS, MIX_OPTIONS,
};

static uint64_t rng_state;

/* xorshift64*: fast, and plenty for unique-looking Call-IDs. */
static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void hex_fill(char *p, int n)
{
	static const char digits[] = "0123456789abcdef";
	uint64_t r = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (i % 16 == 0)
			r = rng();
		p[i] = digits[r & 15];
		r >>= 4;
	}
}

static const char usage_text[] =
	"usage: sipflood [-n COUNT] [-b BATCH] [-r PPS] [-T SECONDS]\n"
	"                [-m METHOD] [-k PER_CALL] [-M] [-s SRCPORT] [-S SEED]\n"
	"                ADDR PORT\n";

/*
 * A request of @method at @b: its length, and where the branch and Call-ID
 * digits go (filled with 'x' and 'y' here).
 */
static int make_request(char *b, const char *method, const char *host,
			int off[2])
{
	char *p;
	int len;

	len = snprintf(b, MSG_MAX,
		       "%s sip:flood@%s SIP/2.0\r\n"
		       "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK%.*s\r\n"
		       "From: <sip:flood@192.0.2.1>;tag=f1\r\n"
		       "To: <sip:flood@%s>\r\n"
		       "Call-ID: %.*s@flood\r\n"
		       "CSeq: 1 %s\r\n"
		       "Max-Forwards: 70\r\n"
		       "Content-Length: 0\r\n\r\n",
		       method, host, ID_HEX,
		       "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
		       host, ID_HEX,
		       "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy", method);
	if (len <= 0 || len >= MSG_MAX) {
		fprintf(stderr, "sipflood: message too long\n");
		exit(2);
	}
	p = strstr(b, "branch=z9hG4bK");
	off[0] = (int)(p - b) + (int)strlen("branch=z9hG4bK");
	p = strstr(b, "Call-ID: ");
	off[1] = (int)(p - b) + (int)strlen("Call-ID: ");
	return len;
}

static void print_usage(void)
{
	fputs(usage_text, stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	static char bufs[MAX_BATCH][MSG_MAX];
	static struct mmsghdr msgs[MAX_BATCH];
	static struct iovec iovs[MAX_BATCH];
	static int id_off[MAX_BATCH][2];
	static char mix_bufs[MIX_N][MSG_MAX];
	static int mix_off[MIX_N][2], mix_len[MIX_N];
	static char agents[MIX_AGENTS][ID_HEX];
	unsigned long count = 1000000, sent = 0, errors = 0, per_call = 1;
	int mix = 0;
	unsigned long seq = 0;
	char callid[ID_HEX];
	const char *method = "INVITE";
	double pps = 0, limit = 60, t0, t;
	int batch = 64, srcport = 0, opt, fd, i, len = 0, err;
	uint64_t seed = 0;
	struct addrinfo hints, *ai;

	while ((opt = getopt(argc, argv, "n:b:r:T:m:k:Ms:S:")) != -1) {
		switch (opt) {
		case 'n':
			count = strtoul(optarg, NULL, 0);
			break;
		case 'b':
			batch = atoi(optarg);
			break;
		case 'r':
			pps = atof(optarg);
			break;
		case 'T':
			limit = atof(optarg);
			break;
		case 'm':
			method = optarg;
			break;
		case 'k':
			per_call = strtoul(optarg, NULL, 0);
			break;
		case 'M':
			mix = 1;
			break;
		case 's':
			srcport = atoi(optarg);
			break;
		case 'S':
			seed = strtoull(optarg, NULL, 0);
			break;
		default:
			print_usage();
		}
	}
	if (argc - optind != 2 || batch < 1 || batch > MAX_BATCH ||
	    strlen(method) > 32 || per_call < 1)
		print_usage();
	rng_state = seed ? seed :
		(uint64_t)time(NULL) * 0x9E3779B97F4A7C15ULL ^ (uint64_t)getpid();
	if (!rng_state)
		rng_state = 1;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	err = getaddrinfo(argv[optind], argv[optind + 1], &hints, &ai);
	if (err) {
		fprintf(stderr, "sipflood: %s: %s\n", argv[optind],
			gai_strerror(err));
		return 2;
	}
	fd = socket(ai->ai_family, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("sipflood: socket");
		return 2;
	}
	if (srcport) {
		struct sockaddr_storage ss;
		socklen_t sl;

		memset(&ss, 0, sizeof(ss));
		ss.ss_family = (sa_family_t)ai->ai_family;
		if (ai->ai_family == AF_INET6) {
			((struct sockaddr_in6 *)&ss)->sin6_port =
				htons((uint16_t)srcport);
			sl = sizeof(struct sockaddr_in6);
		} else {
			((struct sockaddr_in *)&ss)->sin_port =
				htons((uint16_t)srcport);
			sl = sizeof(struct sockaddr_in);
		}
		if (bind(fd, (struct sockaddr *)&ss, sl) < 0) {
			perror("sipflood: bind");
			return 2;
		}
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		perror("sipflood: connect");
		return 2;
	}

	/*
	 * One template per slot; only the branch and Call-ID digits change
	 * (with -M, the whole request is copied from its method's template).
	 */
	for (i = 0; i < MIX_N && mix; i++)
		mix_len[i] = make_request(mix_bufs[i], mix_names[i],
					  argv[optind], mix_off[i]);
	for (i = 0; i < MIX_AGENTS && mix; i++)
		hex_fill(agents[i], ID_HEX);
	for (i = 0; i < batch; i++) {
		len = make_request(bufs[i], method, argv[optind], id_off[i]);
		iovs[i].iov_base = bufs[i];
		iovs[i].iov_len = (size_t)len;
		memset(&msgs[i], 0, sizeof(msgs[i]));
		msgs[i].msg_hdr.msg_iov = &iovs[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}

	t0 = now_s();
	t = t0;
	while (sent < count) {
		int n = batch, k;

		if (count - sent < (unsigned long)n)
			n = (int)(count - sent);
		for (i = 0; i < n && mix; i++) {
			int m = mix_cycle[seq++ % 10];
			const char *id = callid;

			memcpy(bufs[i], mix_bufs[m], (size_t)mix_len[m]);
			iovs[i].iov_len = (size_t)mix_len[m];
			if (m == MIX_REGISTER)
				id = agents[rng() % MIX_AGENTS];
			else if (m == MIX_OPTIONS || seq % 10 == 1)
				hex_fill(callid, ID_HEX);
			memcpy(bufs[i] + mix_off[m][1], id, ID_HEX);
			hex_fill(bufs[i] + mix_off[m][0], ID_HEX);
		}
		for (i = 0; i < n && !mix; i++) {
			if (seq++ % per_call == 0)
				hex_fill(callid, ID_HEX);
			memcpy(bufs[i] + id_off[i][1], callid, ID_HEX);
			hex_fill(bufs[i] + id_off[i][0], ID_HEX);
		}
		k = sendmmsg(fd, msgs, (unsigned int)n, 0);
		if (k < 0) {
			if (errno != ENOBUFS && errno != EAGAIN &&
			    errno != ECONNREFUSED && errno != EINTR) {
				perror("sipflood: sendmmsg");
				break;
			}
			errors++;
			/* ECONNREFUSED: an ICMP error was queued; go on. */
			if (now_s() - t0 > limit)
				break;
			continue;
		}
		sent += (unsigned long)k;
		t = now_s();
		if (t - t0 > limit)
			break;
		if (pps > 0) {
			double ahead = (double)sent / pps - (t - t0);

			if (ahead > 0.001)
				usleep((useconds_t)(ahead * 1e6));
		}
	}
	t = now_s();
	printf("{\"sent\": %lu, \"errors\": %lu, \"seconds\": %.3f, \"pps\": %.0f}\n",
	       sent, errors, t - t0,
	       t > t0 ? (double)sent / (t - t0) : 0.0);
	freeaddrinfo(ai);
	close(fd);
	return sent == count ? 0 : 1;
}
