/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Datagrams a real server of a "sip" or "radius" service sends, as the
 * "reply" persistence engine asks the service's scheduler about them: for
 * sip, requests the server sends on its own (a BYE, a re-INVITE, a NOTIFY
 * towards a caller, or a call it starts); for radius, the Access-Challenges
 * whose State the scheduler learns.
 *
 * The engine does not link to either scheduler. Both are registered
 * embedded in struct ip_vs_kaff_scheduler, so a service's own scheduler
 * pointer leads to the function: no symbol lookup per datagram, and
 * neither module needs the other loaded. The call is as safe as IPVS's
 * own calls of svc->scheduler->schedule(): the caller is an RCU reader of
 * the service, and a module's code stays until readers are done.
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
	/* Unbound, and the binding table is at its cap: not bound (internal
	 * to ip_vs_sip: rs_request() then asks the consistent hash)
	 */
	IP_VS_SIP_RS_REFUSED,
	/* A response not vouched for by binding or hash: it answers what the
	 * client sent this server, so the request records decide
	 */
	IP_VS_SIP_RS_RESPONSE,
	/* radius: whatever the scheduler learned, the request records
	 * decide (not counted as a sip verdict)
	 */
	IP_VS_SIP_RS_RECORDS,
	IP_VS_SIP_RS_NVERDICTS
};

/*
 * rs_request - vouch for a datagram a real server sends itself
 * @svc: the service of @dest; its scheduler must be the callee's (checked)
 * @dest: the real server that sent @skb
 * @skb: the datagram, from @dest to a client
 * @iph: its parsed IP header
 *
 * Under rcu_read_lock(), softirq or process context; never sleeps.
 * Where no binding can be made (flag-3 stateless, a Call-ID longer than
 * the binding cap, the binding table at its cap) the answer is BOUND when
 * the consistent hash places the Call-ID on @dest (the client's answers
 * reach it), else OTHER; a response that would be OTHER is RESPONSE.
 *
 * Return: enum ip_vs_sip_rs_verdict other than REFUSED. BOUND and NEW
 * mean the client's messages with that Call-ID are scheduled to @dest.
 */
struct ip_vs_kaff_scheduler {
	struct ip_vs_scheduler	sched;		/* "sip" or "radius" */
	int (*rs_request)(struct ip_vs_service *svc, struct ip_vs_dest *dest,
			  const struct sk_buff *skb,
			  const struct ip_vs_iphdr *iph);
};

/* The "sip" or "radius" scheduler of @svc, or NULL. Under rcu_read_lock(). */
static inline const struct ip_vs_kaff_scheduler *
ip_vs_kaff_scheduler_of(const struct ip_vs_service *svc)
{
	struct ip_vs_scheduler *sched = rcu_dereference(svc->scheduler);

	if (!sched || (strcmp(sched->name, "sip") &&
		       strcmp(sched->name, "radius")))
		return NULL;
	return container_of(sched, struct ip_vs_kaff_scheduler, sched);
}

#endif /* IP_VS_SIP_RS_H */
