/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SIP message classification for the IPVS "sip" scheduler.
 *
 * A pure function over (buffer, length): no skb, no allocation, no global
 * state. The same source is compiled into ip_vs_sip.ko, its KUnit suite, the
 * userspace tool sip-callid and the libFuzzer target.
 */
#ifndef IP_VS_SIP_PARSE_H
#define IP_VS_SIP_PARSE_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
#endif

/*
 * Longest Call-ID the scheduler pins in its binding table. Longer values are
 * still reported by the parser (IP_VS_SIP_F_OVERSIZED is set) so the caller can
 * place them by hash, but they are never stored. Same limit as upstream's
 * ip_vs_pe_sip (IP_VS_PEDATA_MAXLEN).
 */
#define IP_VS_SIP_CALLID_MAX		255

/*
 * The parser looks at most at this many bytes of a datagram (a larger @len is
 * clamped to it). A Call-ID header that does not end within it is not found
 * (the datagram counts as "no key"). Non-linear skbs are copied up to this
 * prefix, never linearized.
 */
#define IP_VS_SIP_SCAN_MAX		2048

enum ip_vs_sip_method {
	IP_VS_SIP_M_UNKNOWN = 0,	/* unrecognised or extension method */
	IP_VS_SIP_M_INVITE,
	IP_VS_SIP_M_ACK,
	IP_VS_SIP_M_BYE,
	IP_VS_SIP_M_CANCEL,
	IP_VS_SIP_M_REGISTER,
	IP_VS_SIP_M_OPTIONS,
	IP_VS_SIP_M_PRACK,
	IP_VS_SIP_M_SUBSCRIBE,
	IP_VS_SIP_M_NOTIFY,
	IP_VS_SIP_M_PUBLISH,
	IP_VS_SIP_M_INFO,
	IP_VS_SIP_M_REFER,
	IP_VS_SIP_M_MESSAGE,
	IP_VS_SIP_M_UPDATE,
};

/* ip_vs_sip_msg.flags */
#define IP_VS_SIP_F_RESPONSE	0x01	/* status line "SIP/2.0 NNN ..." */
#define IP_VS_SIP_F_OVERSIZED	0x02	/* Call-ID > IP_VS_SIP_CALLID_MAX */
#define IP_VS_SIP_F_TRUNCATED	0x04	/* no end of headers within the scan */

struct ip_vs_sip_msg {
	const u8	*callid;	/* points into the parsed buffer */
	u16		callid_len;	/* bytes; 0 = no Call-ID found */
	u16		status;		/* response status, 0 for requests */
	u8		method;		/* enum ip_vs_sip_method: request-line
					 * method, or the CSeq method for
					 * responses
					 */
	u8		flags;		/* IP_VS_SIP_F_* */
};

/*
 * ip_vs_sip_parse - classify one SIP datagram
 * @buf: start of the UDP payload (may be NULL when @len is 0)
 * @len: bytes available at @buf (callers pass at most IP_VS_SIP_SCAN_MAX;
 *       anything beyond it is ignored). Never read at or past @len.
 * @msg: result, fully written on every return
 *
 * Return: 0 when a Call-ID was found (msg->callid, msg->callid_len set),
 * -ENOENT when the datagram has no usable Call-ID (not SIP, keepalive,
 * garbage, header missing or empty, truncated before the value ended).
 *
 * On -ENOENT msg->callid is NULL and msg->callid_len 0. When the start line
 * was a valid request or status line, method, status and the RESPONSE and
 * TRUNCATED flags are still reported; for anything that is not SIP (including
 * control bytes in the header section) all of @msg is zero. The exact rules
 * are documented in ip_vs_sip_parse.c.
 */
int ip_vs_sip_parse(const u8 *buf, size_t len, struct ip_vs_sip_msg *msg);

/* Name of a method, for tools and logs. */
const char *ip_vs_sip_method_name(u8 method);

#endif /* IP_VS_SIP_PARSE_H */
