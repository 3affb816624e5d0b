/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Requests a real server of a "sip" service sends on its own (a BYE, a
 * re-INVITE, a NOTIFY towards a caller, or a call it starts), as the
 * "reply" persistence engine asks the "sip" scheduler about them.
 *
 * The engine does not link to ip_vs_sip: when a datagram from a real server
 * of a service whose scheduler is "sip" answers no request it recorded, it
 * takes ip_vs_sip_rs_request() with symbol_get() (which fails cleanly when
 * ip_vs_sip is not loaded, and holds the module while the call runs) and
 * drops it with symbol_put(). Neither module needs the other loaded.
 */
#ifndef IP_VS_SIP_RS_H
#define IP_VS_SIP_RS_H

#include <linux/skbuff.h>
#include <net/ip_vs.h>

enum ip_vs_sip_rs_verdict {
	/* Not vouched for: no Call-ID, not a sip service, no binding */
	IP_VS_SIP_RS_NOKEY,
	/* The Call-ID is bound to the sending server (in-dialog request) */
	IP_VS_SIP_RS_BOUND,
	/* First seen (or its binding expired, or its server left the
	 * service): bound to the sending server now
	 */
	IP_VS_SIP_RS_NEW,
	/* Bound to another server of the service: not this server's call */
	IP_VS_SIP_RS_OTHER,
	/* Unbound, and the binding table is at its cap: not bound */
	IP_VS_SIP_RS_REFUSED,
	IP_VS_SIP_RS_NVERDICTS
};

/*
 * ip_vs_sip_rs_request - vouch for a datagram a real server sends itself
 * @svc: the service of @dest; its scheduler must be "sip" (checked)
 * @dest: the real server that sent @skb
 * @skb: the datagram, from @dest to a client
 * @iph: its parsed IP header
 *
 * Under rcu_read_lock(), softirq or process context; never sleeps.
 * Services with scheduler flag-3 (stateless) or a Call-ID longer than the
 * binding cap answer BOUND when the consistent hash places the Call-ID on
 * @dest (the client's answers reach it), else OTHER.
 *
 * Return: enum ip_vs_sip_rs_verdict. BOUND and NEW mean the client's
 * messages with that Call-ID are scheduled to @dest.
 */
int ip_vs_sip_rs_request(struct ip_vs_service *svc, struct ip_vs_dest *dest,
			 const struct sk_buff *skb,
			 const struct ip_vs_iphdr *iph);

#endif /* IP_VS_SIP_RS_H */
