// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for ip_vs_radius_parse() and ip_vs_radius_key_of(), the RADIUS
 * classifier of the IPVS "radius" scheduler.
 *
 * Each case of the table is a message built from its Code and attributes
 * into an exact-size heap buffer, so that KASAN reports any read at or past
 * the datagram; the comment above each entry names the bug it is there to
 * catch. The expected result is the parse status, the State found and the
 * whole conversation key, byte for byte. Generated messages check the
 * attribute cap, every prefix of a message, and that the key stays the
 * same over the rounds of one conversation.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "ip_vs_radius_parse.h"
#include "compat.h"

struct rattr {
	u8		type;
	u8		len;		/* the attribute's Length field */
	u8		vlen;		/* bytes of @val written after it */
	const char	*val;
};

/* An attribute; its Length is the value's size + 2 (values may hold NUL) */
#define A(t, v)		{ .type = t, .len = sizeof(v) + 1, \
			  .vlen = sizeof(v) - 1, .val = v }
/* An attribute whose Length field is @l whatever its value */
#define A_LEN(t, l, v)	{ .type = t, .len = l, .vlen = sizeof(v) - 1, \
			  .val = v }

#define USER		IP_VS_RADIUS_A_USER_NAME
#define NAS_IP		IP_VS_RADIUS_A_NAS_IP
#define STATE		IP_VS_RADIUS_A_STATE
#define CALLING		IP_VS_RADIUS_A_CALLING_ID
#define NAS_ID		IP_VS_RADIUS_A_NAS_ID
#define ACCT_SID	IP_VS_RADIUS_A_ACCT_SESSION
#define NAS_IPV6	IP_VS_RADIUS_A_NAS_IPV6
#define EAP_MSG		79
#define MSG_AUTH	80

#define MAC		"02-00-00-00-00-01"
/* NAS-IP-Address 192.0.2.1 */
#define NASIP_V		"\xc0\x00\x02\x01"
/* NAS-IPv6-Address 2001:db8::1 */
#define NASIP6_V	"\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01"
#define AUTH16		"0123456789abcdef"

struct radius_case {
	const char	*name;
	u8		code;
	struct rattr	attrs[8];
	int		length_delta;	/* added to the Length field */
	unsigned int	pad;		/* bytes after Length, in the datagram */
	int		status;
	const char	*state;		/* NULL: none expected */
	unsigned int	state_len;
	u8		kind;
	const char	*key;		/* the key's bytes after its kind */
	unsigned int	key_len;
};

/* The expected State */
#define STATE_V(v)	.state = v, .state_len = sizeof(v) - 1
/* The expected key: kind byte, then @k */
#define KEY(kd, k)	.kind = kd, .key = k, .key_len = sizeof(k) - 1
#define NASIP_KEY	"\x04\x04" NASIP_V
#define NASIP6_KEY	"\x5f\x10" NASIP6_V

static const struct radius_case radius_cases[] = {
	/* Baseline: an EAP round from a NAS with its address and a MAC. */
	{ .name = "access_calling_nasip", .code = 1,
	  .attrs = { A(USER, "alice"), A(NAS_IP, NASIP_V),
		     A(CALLING, MAC), A(EAP_MSG, "\002\001\000\012\001alice"),
		     A(MSG_AUTH, AUTH16) },
	  KEY(IP_VS_RADIUS_K_CALLING, "\x04\x04" NASIP_V MAC) },
	/* The Calling-Station-Id wins wherever it comes in the message. */
	{ .name = "access_calling_last", .code = 1,
	  .attrs = { A(NAS_IP, NASIP_V), A(USER, "alice"), A(CALLING, MAC) },
	  KEY(IP_VS_RADIUS_K_CALLING, NASIP_KEY MAC) },
	/* No Calling-Station-Id: User-Name and NAS-Identifier. */
	{ .name = "access_user_nasid", .code = 1,
	  .attrs = { A(USER, "bob"), A(NAS_ID, "ap-7") },
	  KEY(IP_VS_RADIUS_K_USER, "\040\004ap-7bob") },
	/* An IPv6 NAS. */
	{ .name = "access_nasipv6", .code = 1,
	  .attrs = { A(CALLING, MAC), A(NAS_IPV6, NASIP6_V) },
	  KEY(IP_VS_RADIUS_K_CALLING, NASIP6_KEY MAC) },
	/* NAS-IP-Address before NAS-IPv6-Address before NAS-Identifier. */
	{ .name = "access_nas_order", .code = 1,
	  .attrs = { A(NAS_ID, "ap-7"), A(NAS_IPV6, NASIP6_V),
		     A(NAS_IP, NASIP_V), A(CALLING, MAC) },
	  KEY(IP_VS_RADIUS_K_CALLING, NASIP_KEY MAC) },
	{ .name = "access_nas_ipv6_over_id", .code = 1,
	  .attrs = { A(NAS_ID, "ap-7"), A(NAS_IPV6, NASIP6_V),
		     A(CALLING, MAC) },
	  KEY(IP_VS_RADIUS_K_CALLING, NASIP6_KEY MAC) },
	/* No NAS identity at all: one zero byte stands for it. */
	{ .name = "access_no_nas", .code = 1,
	  .attrs = { A(CALLING, MAC) },
	  KEY(IP_VS_RADIUS_K_CALLING, "\x00" MAC) },
	/* A NAS-IP-Address of the wrong size is no NAS-IP-Address. */
	{ .name = "access_nasip_badsize", .code = 1,
	  .attrs = { A(NAS_IP, "\xc0\x00\x02\x01\x09"), A(NAS_ID, "ap-7"),
		     A(CALLING, MAC) },
	  KEY(IP_VS_RADIUS_K_CALLING, "\040\004ap-7" MAC) },
	{ .name = "access_nasipv6_badsize", .code = 1,
	  .attrs = { A(NAS_IPV6, NASIP_V), A(CALLING, MAC) },
	  KEY(IP_VS_RADIUS_K_CALLING, "\x00" MAC) },
	/* An empty Calling-Station-Id is none: User-Name is next. */
	{ .name = "access_empty_calling", .code = 1,
	  .attrs = { A_LEN(CALLING, 2, ""), A(USER, "bob"),
		     A(NAS_IP, NASIP_V) },
	  KEY(IP_VS_RADIUS_K_USER, NASIP_KEY "bob") },
	/* Of two User-Names the first counts, not the last. */
	{ .name = "access_two_users", .code = 1,
	  .attrs = { A(USER, "bob"), A(USER, "mallory"), A(NAS_IP, NASIP_V) },
	  KEY(IP_VS_RADIUS_K_USER, NASIP_KEY "bob") },
	/* Nothing to key on: the client's address decides. */
	{ .name = "access_nothing", .code = 1,
	  .attrs = { A(NAS_IP, NASIP_V), A(MSG_AUTH, AUTH16) },
	  .kind = IP_VS_RADIUS_K_ADDR },
	{ .name = "access_no_attrs", .code = 1,
	  .kind = IP_VS_RADIUS_K_ADDR },
	/* A later round: its State is reported, the key is unchanged. */
	{ .name = "access_state", .code = 1,
	  .attrs = { A(USER, "alice"), A(NAS_IP, NASIP_V), A(CALLING, MAC),
		     A(STATE, "\323\032\000\177state-bytes"),
		     A(EAP_MSG, "\x02\x02\x00\x06\x19\x00") },
	  STATE_V("\323\032\000\177state-bytes"),
	  KEY(IP_VS_RADIUS_K_CALLING, NASIP_KEY MAC) },
	/* An empty State is no State. */
	{ .name = "access_empty_state", .code = 1,
	  .attrs = { A_LEN(STATE, 2, ""), A(CALLING, MAC) },
	  KEY(IP_VS_RADIUS_K_CALLING, "\x00" MAC) },
	/* Two States: which server's? Neither; counted, the key still holds */
	{ .name = "access_two_states", .code = 1,
	  .attrs = { A(STATE, "one"), A(CALLING, MAC), A(STATE, "two") },
	  .status = IP_VS_RADIUS_E_DUPSTATE,
	  KEY(IP_VS_RADIUS_K_CALLING, "\x00" MAC) },
	{ .name = "access_empty_then_state", .code = 1,
	  .attrs = { A_LEN(STATE, 2, ""), A(STATE, "two"), A(CALLING, MAC) },
	  .status = IP_VS_RADIUS_E_DUPSTATE,
	  KEY(IP_VS_RADIUS_K_CALLING, "\x00" MAC) },
	/* Accounting: Acct-Session-Id and the NAS, not the Calling-Station */
	{ .name = "acct_start", .code = 4,
	  .attrs = { A(IP_VS_RADIUS_A_NAS_IP, NASIP_V), A(CALLING, MAC),
		     A(ACCT_SID, "4D2C0001"), A(40, "\0\0\0\x01") },
	  KEY(IP_VS_RADIUS_K_ACCT, NASIP_KEY "4D2C0001") },
	{ .name = "acct_no_session", .code = 4,
	  .attrs = { A(NAS_IP, NASIP_V), A(CALLING, MAC), A(USER, "bob") },
	  .kind = IP_VS_RADIUS_K_ADDR },
	/* Status-Server (RFC 5997): parsed, placed by the client address. */
	{ .name = "status_server", .code = 12,
	  .attrs = { A(MSG_AUTH, AUTH16) },
	  .kind = IP_VS_RADIUS_K_ADDR },
	/* A challenge is parsed (its State is learned), never keyed. */
	{ .name = "challenge", .code = 11,
	  .attrs = { A(EAP_MSG, "\x01\x02\x00\x06\x19\x20"),
		     A(STATE, "srv-a-state"), A(MSG_AUTH, AUTH16) },
	  STATE_V("srv-a-state"), .kind = IP_VS_RADIUS_K_ADDR },
	{ .name = "accept_with_user", .code = 2,
	  .attrs = { A(USER, "alice"), A(CALLING, MAC) },
	  .kind = IP_VS_RADIUS_K_ADDR },
	/* Bytes after Length are padding and never read. */
	{ .name = "padding", .code = 1,
	  .attrs = { A(CALLING, MAC) }, .pad = 7,
	  KEY(IP_VS_RADIUS_K_CALLING, "\x00" MAC) },
	/* Length says more than the datagram has: not a message. */
	{ .name = "length_past_datagram", .code = 1,
	  .attrs = { A(CALLING, MAC) }, .length_delta = 1,
	  .status = IP_VS_RADIUS_E_SHORT },
	/* Length under the header: not RADIUS. */
	{ .name = "length_under_header", .code = 1,
	  .length_delta = -1, .pad = 1, .status = IP_VS_RADIUS_E_LENGTH },
	/* Length shorter than the attributes: the last one runs past it. */
	{ .name = "attr_past_length", .code = 1,
	  .attrs = { A(USER, "bob"), A(CALLING, MAC) }, .length_delta = -3,
	  .status = IP_VS_RADIUS_E_ATTR },
	/* Attribute lengths 0 and 1 would loop or misalign. */
	{ .name = "attr_len0", .code = 1,
	  .attrs = { A(CALLING, MAC), A_LEN(USER, 0, "") },
	  .status = IP_VS_RADIUS_E_ATTR },
	{ .name = "attr_len1", .code = 1,
	  .attrs = { A_LEN(USER, 1, "") },
	  .status = IP_VS_RADIUS_E_ATTR },
	/* An attribute's Length past the end of the message. */
	{ .name = "attr_len_past_end", .code = 1,
	  .attrs = { A(CALLING, MAC), A_LEN(USER, 9, "bob") },
	  .status = IP_VS_RADIUS_E_ATTR },
};

/*
 * Builds @c into an exact-size buffer. Its padding, if read, would be a
 * State attribute.
 */
static u8 *radius_build(struct kunit *test, const struct radius_case *c,
			size_t *lenp)
{
	size_t len = IP_VS_RADIUS_HDR_LEN, off, length;
	unsigned int i;
	u8 *buf;

	for (i = 0; i < ARRAY_SIZE(c->attrs) && c->attrs[i].val; i++)
		len += 2 + c->attrs[i].vlen;
	length = len + c->length_delta;
	buf = kunit_kzalloc(test, len + c->pad, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	buf[0] = c->code;
	buf[1] = 42;
	buf[2] = length >> 8;
	buf[3] = length & 0xff;
	memcpy(buf + 4, AUTH16, 16);
	off = IP_VS_RADIUS_HDR_LEN;
	for (i = 0; i < ARRAY_SIZE(c->attrs) && c->attrs[i].val; i++) {
		const struct rattr *a = &c->attrs[i];

		buf[off] = a->type;
		buf[off + 1] = a->len;
		memcpy(buf + off + 2, a->val, a->vlen);
		off += 2 + a->vlen;
	}
	for (i = 0; i < c->pad; i++)
		buf[off + i] = i == 0 ? STATE : i == 1 ? c->pad : 'x';
	*lenp = len + c->pad;
	return buf;
}

static void radius_check_val(struct kunit *test, const char *what,
			     const struct ip_vs_radius_val *v,
			     const u8 *buf, size_t len)
{
	if (!v->len) {
		KUNIT_EXPECT_NULL_MSG(test, v->p, "%s", what);
		return;
	}
	/* within the datagram */
	KUNIT_EXPECT_TRUE_MSG(test, v->p >= buf + IP_VS_RADIUS_HDR_LEN + 2 &&
			      v->p + v->len <= buf + len, "%s", what);
}

static void radius_check_case(struct kunit *test, const struct radius_case *c)
{
	struct ip_vs_radius_msg msg;
	struct ip_vs_radius_key key;
	size_t len;
	u8 *buf = radius_build(test, c, &len);
	int ret;

	memset(&msg, 0xa5, sizeof(msg));
	ret = ip_vs_radius_parse(buf, len, &msg);
	KUNIT_EXPECT_EQ_MSG(test, ret, c->status, "%s", c->name);
	KUNIT_EXPECT_EQ_MSG(test, (int)msg.code, (int)c->code, "%s", c->name);
	KUNIT_EXPECT_EQ_MSG(test, (int)msg.ident, 42, "%s", c->name);
	if (c->state) {
		KUNIT_EXPECT_EQ_MSG(test, (unsigned int)msg.state.len,
				    c->state_len, "%s", c->name);
		if (msg.state.p && msg.state.len == c->state_len)
			KUNIT_EXPECT_EQ_MSG(test, memcmp(msg.state.p, c->state,
							 msg.state.len), 0,
					    "%s", c->name);
	} else {
		KUNIT_EXPECT_NULL_MSG(test, msg.state.p, "%s", c->name);
		KUNIT_EXPECT_EQ_MSG(test, (int)msg.state.len, 0, "%s",
				    c->name);
	}
	radius_check_val(test, "state", &msg.state, buf, len);
	radius_check_val(test, "user_name", &msg.user_name, buf, len);
	radius_check_val(test, "calling_id", &msg.calling_id, buf, len);
	radius_check_val(test, "acct_session", &msg.acct_session, buf, len);
	radius_check_val(test, "nas_id", &msg.nas_id, buf, len);
	radius_check_val(test, "nas_ip", &msg.nas_ip, buf, len);
	radius_check_val(test, "nas_ipv6", &msg.nas_ipv6, buf, len);
	if (ret != IP_VS_RADIUS_OK && ret != IP_VS_RADIUS_E_DUPSTATE) {
		/* no attribute may be reported */
		KUNIT_EXPECT_EQ_MSG(test, (int)msg.nattrs, 0, "%s", c->name);
		KUNIT_EXPECT_NULL(test, msg.user_name.p);
		KUNIT_EXPECT_NULL(test, msg.calling_id.p);
		KUNIT_EXPECT_NULL(test, msg.nas_ip.p);
		return;
	}
	memset(&key, 0xa5, sizeof(key));
	KUNIT_EXPECT_EQ_MSG(test, ip_vs_radius_key_of(&msg, &key), (int)c->kind,
			    "%s", c->name);
	KUNIT_EXPECT_EQ_MSG(test, (int)key.kind, (int)c->kind, "%s", c->name);
	if (c->kind == IP_VS_RADIUS_K_ADDR) {
		KUNIT_EXPECT_EQ_MSG(test, (int)key.len, 0, "%s", c->name);
		return;
	}
	KUNIT_ASSERT_EQ_MSG(test, (unsigned int)key.len, 1 + c->key_len,
			    "%s", c->name);
	KUNIT_EXPECT_EQ_MSG(test, (int)key.buf[0], (int)c->kind, "%s",
			    c->name);
	KUNIT_EXPECT_EQ_MSG(test, memcmp(key.buf + 1, c->key, c->key_len), 0,
			    "%s", c->name);
}

static void ip_vs_radius_parse_test_table(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(radius_cases); i++)
		radius_check_case(test, &radius_cases[i]);
}

/* A message of @n empty-valued Class attributes (type 25), Length 2 each */
static u8 *radius_many(struct kunit *test, unsigned int n, size_t *lenp)
{
	size_t len = IP_VS_RADIUS_HDR_LEN + 2 * n;
	unsigned int i;
	u8 *buf = kunit_kzalloc(test, len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	buf[0] = IP_VS_RADIUS_ACCESS_REQUEST;
	buf[2] = len >> 8;
	buf[3] = len & 0xff;
	for (i = 0; i < n; i++) {
		buf[IP_VS_RADIUS_HDR_LEN + 2 * i] = 25;
		buf[IP_VS_RADIUS_HDR_LEN + 2 * i + 1] = 2;
	}
	*lenp = len;
	return buf;
}

/* The cap: 255 attributes are read, the 256th is refused. */
static void ip_vs_radius_parse_test_cap(struct kunit *test)
{
	struct ip_vs_radius_msg msg;
	size_t len;
	u8 *buf;

	buf = radius_many(test, IP_VS_RADIUS_MAX_ATTRS, &len);
	KUNIT_EXPECT_EQ(test, ip_vs_radius_parse(buf, len, &msg),
			IP_VS_RADIUS_OK);
	KUNIT_EXPECT_EQ(test, (int)msg.nattrs, IP_VS_RADIUS_MAX_ATTRS);

	buf = radius_many(test, IP_VS_RADIUS_MAX_ATTRS + 1, &len);
	KUNIT_EXPECT_EQ(test, ip_vs_radius_parse(buf, len, &msg),
			IP_VS_RADIUS_E_TOOMANY);
	KUNIT_EXPECT_EQ(test, (int)msg.nattrs, 0);

	/* the most a message can hold: 2038, bounded work, refused */
	buf = radius_many(test, (IP_VS_RADIUS_MAX_LEN -
				 IP_VS_RADIUS_HDR_LEN) / 2, &len);
	KUNIT_EXPECT_EQ(test, len, (size_t)IP_VS_RADIUS_MAX_LEN);
	KUNIT_EXPECT_EQ(test, ip_vs_radius_parse(buf, len, &msg),
			IP_VS_RADIUS_E_TOOMANY);
}

/* Length 4096 is RADIUS, 4097 is not; a datagram past 4096 is padding. */
static void ip_vs_radius_parse_test_maxlen(struct kunit *test)
{
	size_t len = IP_VS_RADIUS_MAX_LEN + 1;
	u8 *buf = kunit_kzalloc(test, len, GFP_KERNEL);
	struct ip_vs_radius_msg msg;
	size_t off;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	buf[0] = IP_VS_RADIUS_ACCESS_REQUEST;
	/* fifteen attributes of 255 bytes and one of 251: 4096 */
	for (off = IP_VS_RADIUS_HDR_LEN; off < IP_VS_RADIUS_MAX_LEN; ) {
		size_t a = min_t(size_t, 255, IP_VS_RADIUS_MAX_LEN - off);

		buf[off] = off == IP_VS_RADIUS_HDR_LEN ? CALLING : EAP_MSG;
		buf[off + 1] = a;
		memset(buf + off + 2, 'm', a - 2);
		off += a;
	}
	buf[IP_VS_RADIUS_MAX_LEN] = 0xff;
	buf[2] = IP_VS_RADIUS_MAX_LEN >> 8;
	buf[3] = IP_VS_RADIUS_MAX_LEN & 0xff;
	KUNIT_EXPECT_EQ(test, ip_vs_radius_parse(buf, len, &msg),
			IP_VS_RADIUS_OK);
	KUNIT_EXPECT_EQ(test, (int)msg.calling_id.len, 253);
	buf[3]++;
	KUNIT_EXPECT_EQ(test, ip_vs_radius_parse(buf, len, &msg),
			IP_VS_RADIUS_E_LENGTH);
	buf[2] = 0xff;
	KUNIT_EXPECT_EQ(test, ip_vs_radius_parse(buf, len, &msg),
			IP_VS_RADIUS_E_LENGTH);
}

/*
 * Every prefix of a message is shorter than its Length: not a message,
 * and nothing is read past the prefix (exact-size copies, KASAN).
 */
static void ip_vs_radius_parse_test_prefixes(struct kunit *test)
{
	const struct radius_case *c = &radius_cases[0];
	struct ip_vs_radius_msg msg;
	size_t len, n;
	u8 *buf = radius_build(test, c, &len);

	for (n = 0; n < len; n++) {
		u8 *p = kunit_kmalloc(test, n ? n : 1, GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, p);
		memcpy(p, buf, n);
		KUNIT_EXPECT_EQ_MSG(test, ip_vs_radius_parse(p, n, &msg),
				    IP_VS_RADIUS_E_SHORT, "prefix %zu", n);
		KUNIT_EXPECT_NULL(test, msg.calling_id.p);
		kunit_kfree(test, p);
	}
	KUNIT_EXPECT_EQ(test, ip_vs_radius_parse(NULL, 0, &msg),
			IP_VS_RADIUS_E_SHORT);
}

/* Datagrams of other protocols sent to the RADIUS port. */
static void ip_vs_radius_parse_test_foreign(struct kunit *test)
{
	static const char sip[] = "INVITE sip:bob@example.com SIP/2.0\r\n"
				  "Call-ID: x@y\r\n\r\n";
	/* a DNS query for example.com: Length would be 0x0100 */
	static const u8 dns[] = {
		0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c',
		'o', 'm', 0, 0x00, 0x01, 0x00, 0x01 };
	struct ip_vs_radius_msg msg;

	KUNIT_EXPECT_EQ(test, ip_vs_radius_parse((const u8 *)sip,
						 sizeof(sip) - 1, &msg),
			IP_VS_RADIUS_E_LENGTH);
	KUNIT_EXPECT_EQ(test, ip_vs_radius_parse(dns, sizeof(dns), &msg),
			IP_VS_RADIUS_E_SHORT);
}

/*
 * The rounds of one EAP conversation, and a retransmission, have one key:
 * the first round has no State, later ones carry the server's, and the
 * EAP-Message and Message-Authenticator change every time.
 */
static void ip_vs_radius_parse_test_rounds(struct kunit *test)
{
	static const struct radius_case rounds[] = {
		{ .name = "round1", .code = 1,
		  .attrs = { A(USER, "alice"), A(NAS_IP, NASIP_V),
			     A(CALLING, MAC), A(EAP_MSG, "\x02\x01id"),
			     A(MSG_AUTH, "round-one-auth!!") } },
		{ .name = "round2", .code = 1,
		  .attrs = { A(USER, "alice"), A(NAS_IP, NASIP_V),
			     A(CALLING, MAC), A(STATE, "s1"),
			     A(EAP_MSG, "\x02\x02tls-hello"),
			     A(MSG_AUTH, "round-two-auth!!") } },
		{ .name = "round3", .code = 1,
		  .attrs = { A(CALLING, MAC), A(USER, "alice"),
			     A(NAS_IP, NASIP_V), A(STATE, "s2-longer"),
			     A(MSG_AUTH, "round-3-auth!!!!") } },
	};
	struct ip_vs_radius_key *first, *key;
	struct ip_vs_radius_msg msg;
	unsigned int i;
	size_t len;
	u8 *buf;

	first = kunit_kzalloc(test, sizeof(*first), GFP_KERNEL);
	key = kunit_kzalloc(test, sizeof(*key), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, first);
	KUNIT_ASSERT_NOT_NULL(test, key);
	for (i = 0; i < ARRAY_SIZE(rounds); i++) {
		buf = radius_build(test, &rounds[i], &len);
		KUNIT_ASSERT_EQ(test, ip_vs_radius_parse(buf, len, &msg),
				IP_VS_RADIUS_OK);
		ip_vs_radius_key_of(&msg, i ? key : first);
		if (i) {
			KUNIT_EXPECT_EQ(test, key->len, first->len);
			KUNIT_EXPECT_EQ(test, memcmp(key->buf, first->buf,
						     key->len), 0);
		}
	}
	KUNIT_EXPECT_EQ(test, (int)first->kind, IP_VS_RADIUS_K_CALLING);
}

/* The longest key fits its buffer: two 253-byte values. */
static void ip_vs_radius_parse_test_longest_key(struct kunit *test)
{
	size_t len = IP_VS_RADIUS_HDR_LEN + 2 * 255;
	u8 *buf = kunit_kzalloc(test, len, GFP_KERNEL);
	struct ip_vs_radius_msg msg;
	struct ip_vs_radius_key key;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	buf[0] = IP_VS_RADIUS_ACCESS_REQUEST;
	buf[2] = len >> 8;
	buf[3] = len & 0xff;
	buf[20] = NAS_ID;
	buf[21] = 255;
	memset(buf + 22, 'n', 253);
	buf[275] = CALLING;
	buf[276] = 255;
	memset(buf + 277, 'c', 253);
	KUNIT_ASSERT_EQ(test, ip_vs_radius_parse(buf, len, &msg),
			IP_VS_RADIUS_OK);
	KUNIT_EXPECT_EQ(test, ip_vs_radius_key_of(&msg, &key),
			IP_VS_RADIUS_K_CALLING);
	KUNIT_EXPECT_EQ(test, (int)key.len, IP_VS_RADIUS_KEY_BUF);
	KUNIT_EXPECT_GT(test, (int)key.len, IP_VS_RADIUS_KEY_MAX);
	KUNIT_EXPECT_EQ(test, (int)key.buf[IP_VS_RADIUS_KEY_BUF - 1], 'c');
}

static void ip_vs_radius_parse_test_names(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, ip_vs_radius_status_name(-1), "unknown");
	KUNIT_EXPECT_STREQ(test,
			   ip_vs_radius_status_name(IP_VS_RADIUS_NSTATUS),
			   "unknown");
	KUNIT_EXPECT_STREQ(test,
			   ip_vs_radius_status_name(IP_VS_RADIUS_E_DUPSTATE),
			   "dupstate");
	KUNIT_EXPECT_STREQ(test, ip_vs_radius_kind_name(IP_VS_RADIUS_NKINDS),
			   "unknown");
	KUNIT_EXPECT_STREQ(test, ip_vs_radius_code_name(12), "Status-Server");
	KUNIT_EXPECT_STREQ(test, ip_vs_radius_code_name(0), "unknown");
}

static struct kunit_case ip_vs_radius_parse_test_cases[] = {
	KUNIT_CASE(ip_vs_radius_parse_test_table),
	KUNIT_CASE(ip_vs_radius_parse_test_cap),
	KUNIT_CASE(ip_vs_radius_parse_test_maxlen),
	KUNIT_CASE(ip_vs_radius_parse_test_prefixes),
	KUNIT_CASE(ip_vs_radius_parse_test_foreign),
	KUNIT_CASE(ip_vs_radius_parse_test_rounds),
	KUNIT_CASE(ip_vs_radius_parse_test_longest_key),
	KUNIT_CASE(ip_vs_radius_parse_test_names),
	{}
};

static struct kunit_suite ip_vs_radius_parse_test_suite = {
	.name = "ip_vs_radius_parse",
	.test_cases = ip_vs_radius_parse_test_cases,
};

kunit_test_suites(&ip_vs_radius_parse_test_suite);

IPVS_UDP_IMPORT_KUNIT_NS();
MODULE_DESCRIPTION("KUnit tests for the IPVS radius scheduler's parser");
MODULE_LICENSE("GPL");
