/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RADIUS message classification for the IPVS "radius" scheduler.
 *
 * Pure functions over (buffer, length): no skb, no allocation, no global
 * state. The same source is compiled into ip_vs_radius.ko, its KUnit suite,
 * the CLI's radius-key command and the libFuzzer target.
 *
 * The packet format is RFC 2865 section 3 (RFC 2866 for accounting): a
 * 20-byte header (Code, Identifier, Length, Authenticator) and attributes
 * as Type, Length, Value with Length counting those two bytes. Nothing is
 * ever written to the datagram.
 */
#ifndef IP_VS_RADIUS_PARSE_H
#define IP_VS_RADIUS_PARSE_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
#endif

#define IP_VS_RADIUS_HDR_LEN		20
/* RFC 2865 section 3: Length is 20 to 4096; bytes past it are padding. */
#define IP_VS_RADIUS_MAX_LEN		4096
/*
 * Most attributes read from one message. 4076 bytes of attributes hold
 * 2038 empty ones; real requests carry a few dozen, and an EAP-TLS round
 * of four full EAP-Message attributes about twenty.
 */
#define IP_VS_RADIUS_MAX_ATTRS		255

/* Codes (RFC 2865 section 3, RFC 2866, RFC 5997) */
#define IP_VS_RADIUS_ACCESS_REQUEST	1
#define IP_VS_RADIUS_ACCESS_ACCEPT	2
#define IP_VS_RADIUS_ACCESS_REJECT	3
#define IP_VS_RADIUS_ACCT_REQUEST	4
#define IP_VS_RADIUS_ACCT_RESPONSE	5
#define IP_VS_RADIUS_ACCESS_CHALLENGE	11
#define IP_VS_RADIUS_STATUS_SERVER	12

/* Attribute types the scheduler reads */
#define IP_VS_RADIUS_A_USER_NAME	1
#define IP_VS_RADIUS_A_NAS_IP		4
#define IP_VS_RADIUS_A_STATE		24
#define IP_VS_RADIUS_A_CALLING_ID	31
#define IP_VS_RADIUS_A_NAS_ID		32
#define IP_VS_RADIUS_A_ACCT_SESSION	44
#define IP_VS_RADIUS_A_NAS_IPV6		95

/*
 * What ip_vs_radius_parse() made of a datagram. Everything but OK and
 * DUPSTATE means no attribute was taken: the scheduler falls back to the
 * client's address and counts the kind.
 */
enum ip_vs_radius_status {
	IP_VS_RADIUS_OK = 0,
	IP_VS_RADIUS_E_SHORT,		/* under 20 bytes, or fewer bytes than
					 * its Length field says
					 */
	IP_VS_RADIUS_E_LENGTH,		/* Length field outside 20..4096 */
	IP_VS_RADIUS_E_ATTR,		/* an attribute shorter than 2 bytes
					 * or running past Length
					 */
	IP_VS_RADIUS_E_TOOMANY,		/* more than IP_VS_RADIUS_MAX_ATTRS */
	IP_VS_RADIUS_E_DUPSTATE,	/* two State attributes: no State is
					 * reported, the rest is
					 */
	IP_VS_RADIUS_NSTATUS
};

/* One attribute value, pointing into the parsed buffer; len 0 = absent */
struct ip_vs_radius_val {
	const u8	*p;
	u8		len;
};

struct ip_vs_radius_msg {
	u8			code;
	u8			ident;
	u16			length;		/* the Length field */
	u16			nattrs;		/* attributes read */
	/* The first of each, when its value is not empty */
	struct ip_vs_radius_val	state;
	struct ip_vs_radius_val	user_name;
	struct ip_vs_radius_val	calling_id;
	struct ip_vs_radius_val	acct_session;
	struct ip_vs_radius_val	nas_id;
	/* Only when the value has the address's exact size */
	struct ip_vs_radius_val	nas_ip;
	struct ip_vs_radius_val	nas_ipv6;
};

/*
 * ip_vs_radius_parse - classify one RADIUS datagram
 * @buf: start of the UDP payload (may be NULL when @len is 0)
 * @len: bytes of the datagram at @buf; never read at or past @len, nor
 *       past the message's Length field
 * @msg: result, fully written on every return
 *
 * Return: enum ip_vs_radius_status. On OK and DUPSTATE, @msg has the
 * header and the attributes found. On the other kinds, only code, ident
 * and length are set (when the 20-byte header is there) and no attribute
 * is reported.
 */
int ip_vs_radius_parse(const u8 *buf, size_t len, struct ip_vs_radius_msg *msg);

/* How the scheduler keys a request when no bound State decides. */
enum ip_vs_radius_key_kind {
	IP_VS_RADIUS_K_ADDR = 0,	/* none of the below: client address
					 * and port
					 */
	IP_VS_RADIUS_K_CALLING,		/* Calling-Station-Id + NAS identity */
	IP_VS_RADIUS_K_USER,		/* User-Name + NAS identity */
	IP_VS_RADIUS_K_ACCT,		/* Acct-Session-Id + NAS identity */
	IP_VS_RADIUS_K_STATE,		/* State (the binding learned from an
					 * Access-Challenge; never from
					 * ip_vs_radius_key_of())
					 */
	IP_VS_RADIUS_NKINDS
};

/*
 * Longest key the scheduler binds; a longer one is placed by its hash and
 * never bound, as sip does with long Call-IDs.
 */
#define IP_VS_RADIUS_KEY_MAX		255
/* Kind, NAS identity (type, length, value) and a 253-byte value */
#define IP_VS_RADIUS_KEY_BUF		(1 + 2 + 253 + 253)

struct ip_vs_radius_key {
	u8	kind;		/* enum ip_vs_radius_key_kind */
	u16	len;		/* bytes in @buf; 0 for K_ADDR */
	u8	buf[IP_VS_RADIUS_KEY_BUF];
};

/*
 * ip_vs_radius_key_of - the conversation key of a request
 * @m: from ip_vs_radius_parse() returning OK or DUPSTATE
 * @key: result, fully written
 *
 * The key stays the same for every round of one EAP conversation, and for
 * Start, Interim-Update and Stop of one accounting session: the NAS sends
 * them all with the same attributes. It is made of the first byte @kind,
 * then the NAS identity (NAS-IP-Address, else NAS-IPv6-Address, else
 * NAS-Identifier; as its attribute type, length and value, or one zero
 * byte when the request has none), then the value:
 *   Access-Request: Calling-Station-Id, else User-Name;
 *   Accounting-Request: Acct-Session-Id.
 * Any other Code, or a request without those attributes, gets K_ADDR.
 *
 * Return: @key->kind.
 */
int ip_vs_radius_key_of(const struct ip_vs_radius_msg *m,
			struct ip_vs_radius_key *key);

/* Names for tools, logs and counters */
const char *ip_vs_radius_status_name(int status);
const char *ip_vs_radius_kind_name(int kind);
const char *ip_vs_radius_code_name(u8 code);

#endif /* IP_VS_RADIUS_PARSE_H */
