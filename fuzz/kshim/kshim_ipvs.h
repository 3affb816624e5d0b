/* SPDX-License-Identifier: GPL-2.0 */
/* The subset of <net/ip_vs.h> the sip scheduler's table code uses. */
#ifndef KSHIM_IPVS_H
#define KSHIM_IPVS_H

#include <netinet/in.h>

union nf_inet_addr {
	u32		all[4];
	__be32		ip;
	__be32		ip6[4];
	struct in_addr	in;
	struct in6_addr	in6;
};

#define IP_VS_DEST_F_AVAILABLE	0x0001
#define IP_VS_DEST_F_OVERLOAD	0x0002
#define IP_VS_SVC_F_SCHED1	0x0008
#define IP_VS_SVC_F_SCHED2	0x0010
#define IP_VS_SVC_F_SCHED3	0x0020

struct ip_vs_dest {
	struct list_head	n_list;
	u16			af;
	__be16			port;
	union nf_inet_addr	addr;
	unsigned int		flags;
	atomic_t		weight;
	atomic_t		last_weight;
	atomic_t		refcnt;
};

struct sk_buff;
struct ip_vs_iphdr;

struct ip_vs_scheduler {
	const char		*name;
};

struct ip_vs_service {
	unsigned int		flags;
	u16			af;
	struct ip_vs_scheduler	*scheduler;	/* ip_vs_sip_rs.h */
};

static inline void ip_vs_dest_hold(struct ip_vs_dest *dest)
{
	atomic_inc(&dest->refcnt);
}

static inline void ip_vs_dest_put(struct ip_vs_dest *dest)
{
	if (atomic_dec_return(&dest->refcnt) < 0)
		abort();
}

#endif /* KSHIM_IPVS_H */
