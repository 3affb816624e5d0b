// SPDX-License-Identifier: GPL-2.0
/*
 * RADIUS message classification for the IPVS "radius" scheduler
 * (ip_vs_radius_parse.h has the interface).
 *
 * The rules, from RFC 2865 section 3 and 5:
 *  - a datagram under 20 bytes, or shorter than its Length field, is not a
 *    message (E_SHORT); a Length under 20 or over 4096 is not RADIUS
 *    (E_LENGTH); bytes past Length are padding and never read;
 *  - attributes run from byte 20 to Length, each at least 2 bytes and all
 *    of it within Length (else E_ATTR), at most IP_VS_RADIUS_MAX_ATTRS of
 *    them (else E_TOOMANY): a bounded walk of at most 2038 steps;
 *  - State appears at most once in a request; a second one makes the
 *    server that issued it ambiguous, so none is reported (E_DUPSTATE);
 *  - of the other attributes the first is taken, and only with a value
 *    that is not empty; NAS-IP-Address and NAS-IPv6-Address only with
 *    their exact sizes (4 and 16 bytes).
 * Values are opaque bytes, compared and hashed as they are: no character
 * set or case folding, since the NAS sends every round with the same ones.
 */
#ifdef __KERNEL__
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/export.h>
#include <kunit/visibility.h>
#else
#include <string.h>
#define EXPORT_SYMBOL_IF_KUNIT(sym)
#endif

#include "ip_vs_radius_parse.h"

static void ip_vs_radius_take(struct ip_vs_radius_val *v, const u8 *p,
			      u8 len)
{
	if (!v->len && len) {
		v->p = p;
		v->len = len;
	}
}

/* Keeps the header of a message whose attributes are not taken. */
static int ip_vs_radius_reject(struct ip_vs_radius_msg *msg, int status)
{
	struct ip_vs_radius_msg hdr = {
		.code	= msg->code,
		.ident	= msg->ident,
		.length	= msg->length,
	};

	*msg = hdr;
	return status;
}

int ip_vs_radius_parse(const u8 *buf, size_t len, struct ip_vs_radius_msg *msg)
{
	unsigned int off, end, nstate = 0;

	memset(msg, 0, sizeof(*msg));
	if (!buf || len < IP_VS_RADIUS_HDR_LEN)
		return IP_VS_RADIUS_E_SHORT;
	msg->code = buf[0];
	msg->ident = buf[1];
	msg->length = (u16)(buf[2] << 8 | buf[3]);
	end = msg->length;
	if (end < IP_VS_RADIUS_HDR_LEN || end > IP_VS_RADIUS_MAX_LEN)
		return ip_vs_radius_reject(msg, IP_VS_RADIUS_E_LENGTH);
	if (end > len)
		return ip_vs_radius_reject(msg, IP_VS_RADIUS_E_SHORT);

	for (off = IP_VS_RADIUS_HDR_LEN; off < end; ) {
		unsigned int type, alen;
		const u8 *v;
		u8 vlen;

		if (end - off < 2 || buf[off + 1] < 2 ||
		    buf[off + 1] > end - off)
			return ip_vs_radius_reject(msg, IP_VS_RADIUS_E_ATTR);
		if (msg->nattrs == IP_VS_RADIUS_MAX_ATTRS)
			return ip_vs_radius_reject(msg, IP_VS_RADIUS_E_TOOMANY);
		msg->nattrs++;
		type = buf[off];
		alen = buf[off + 1];
		v = buf + off + 2;
		vlen = (u8)(alen - 2);
		off += alen;

		switch (type) {
		case IP_VS_RADIUS_A_STATE:
			/* An empty State counts too: two make it ambiguous */
			nstate++;
			ip_vs_radius_take(&msg->state, v, vlen);
			break;
		case IP_VS_RADIUS_A_USER_NAME:
			ip_vs_radius_take(&msg->user_name, v, vlen);
			break;
		case IP_VS_RADIUS_A_CALLING_ID:
			ip_vs_radius_take(&msg->calling_id, v, vlen);
			break;
		case IP_VS_RADIUS_A_ACCT_SESSION:
			ip_vs_radius_take(&msg->acct_session, v, vlen);
			break;
		case IP_VS_RADIUS_A_NAS_ID:
			ip_vs_radius_take(&msg->nas_id, v, vlen);
			break;
		case IP_VS_RADIUS_A_NAS_IP:
			if (vlen == 4)
				ip_vs_radius_take(&msg->nas_ip, v, vlen);
			break;
		case IP_VS_RADIUS_A_NAS_IPV6:
			if (vlen == 16)
				ip_vs_radius_take(&msg->nas_ipv6, v, vlen);
			break;
		}
	}
	if (nstate > 1) {
		msg->state.p = NULL;
		msg->state.len = 0;
		return IP_VS_RADIUS_E_DUPSTATE;
	}
	return IP_VS_RADIUS_OK;
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_radius_parse);

static unsigned int ip_vs_radius_put(u8 *to, const struct ip_vs_radius_val *v)
{
	memcpy(to, v->p, v->len);
	return v->len;
}

int ip_vs_radius_key_of(const struct ip_vs_radius_msg *m,
			struct ip_vs_radius_key *key)
{
	const struct ip_vs_radius_val *nas = NULL, *val = NULL;
	unsigned int n = 0;
	u8 kind = IP_VS_RADIUS_K_ADDR, nas_type = 0;

	memset(key, 0, sizeof(*key));
	if (m->code == IP_VS_RADIUS_ACCESS_REQUEST) {
		if (m->calling_id.len) {
			kind = IP_VS_RADIUS_K_CALLING;
			val = &m->calling_id;
		} else if (m->user_name.len) {
			kind = IP_VS_RADIUS_K_USER;
			val = &m->user_name;
		}
	} else if (m->code == IP_VS_RADIUS_ACCT_REQUEST &&
		   m->acct_session.len) {
		kind = IP_VS_RADIUS_K_ACCT;
		val = &m->acct_session;
	}
	if (!val)
		return IP_VS_RADIUS_K_ADDR;

	if (m->nas_ip.len) {
		nas = &m->nas_ip;
		nas_type = IP_VS_RADIUS_A_NAS_IP;
	} else if (m->nas_ipv6.len) {
		nas = &m->nas_ipv6;
		nas_type = IP_VS_RADIUS_A_NAS_IPV6;
	} else if (m->nas_id.len) {
		nas = &m->nas_id;
		nas_type = IP_VS_RADIUS_A_NAS_ID;
	}
	key->buf[n++] = kind;
	key->buf[n++] = nas_type;
	if (nas) {
		key->buf[n++] = nas->len;
		n += ip_vs_radius_put(key->buf + n, nas);
	}
	n += ip_vs_radius_put(key->buf + n, val);
	key->kind = kind;
	key->len = (u16)n;
	return kind;
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_radius_key_of);

const char *ip_vs_radius_status_name(int status)
{
	static const char * const names[IP_VS_RADIUS_NSTATUS] = {
		[IP_VS_RADIUS_OK]		= "ok",
		[IP_VS_RADIUS_E_SHORT]		= "short",
		[IP_VS_RADIUS_E_LENGTH]		= "length",
		[IP_VS_RADIUS_E_ATTR]		= "attr",
		[IP_VS_RADIUS_E_TOOMANY]	= "toomany",
		[IP_VS_RADIUS_E_DUPSTATE]	= "dupstate",
	};

	if (status < 0 || status >= IP_VS_RADIUS_NSTATUS)
		return "unknown";
	return names[status];
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_radius_status_name);

const char *ip_vs_radius_kind_name(int kind)
{
	static const char * const names[IP_VS_RADIUS_NKINDS] = {
		[IP_VS_RADIUS_K_ADDR]		= "addr",
		[IP_VS_RADIUS_K_CALLING]	= "calling-station-id",
		[IP_VS_RADIUS_K_USER]		= "user-name",
		[IP_VS_RADIUS_K_ACCT]		= "acct-session-id",
		[IP_VS_RADIUS_K_STATE]		= "state",
	};

	if (kind < 0 || kind >= IP_VS_RADIUS_NKINDS)
		return "unknown";
	return names[kind];
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_radius_kind_name);

const char *ip_vs_radius_code_name(u8 code)
{
	switch (code) {
	case IP_VS_RADIUS_ACCESS_REQUEST:
		return "Access-Request";
	case IP_VS_RADIUS_ACCESS_ACCEPT:
		return "Access-Accept";
	case IP_VS_RADIUS_ACCESS_REJECT:
		return "Access-Reject";
	case IP_VS_RADIUS_ACCT_REQUEST:
		return "Accounting-Request";
	case IP_VS_RADIUS_ACCT_RESPONSE:
		return "Accounting-Response";
	case IP_VS_RADIUS_ACCESS_CHALLENGE:
		return "Access-Challenge";
	case IP_VS_RADIUS_STATUS_SERVER:
		return "Status-Server";
	default:
		return "unknown";
	}
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_radius_code_name);
