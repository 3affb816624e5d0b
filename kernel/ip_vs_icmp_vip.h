/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ip_vs_icmp_vip: ICMP port unreachable errors for IPVS virtual services
 * leave with the virtual address as their source, also on directors that
 * do not configure it. See ip_vs_icmp_vip_core.c.
 */
#ifndef _IP_VS_ICMP_VIP_H
#define _IP_VS_ICMP_VIP_H

#include <linux/skbuff.h>
#include <linux/types.h>
#include <net/ip_vs.h>

/**
 * ip_vs_icmp_vip_no_dest - a scheduler found no destination for @skb
 * @svc: the virtual service
 * @skb: the packet being scheduled
 * @iph: its IPVS header information
 *
 * For schedulers: call it right before returning NULL from ->schedule().
 * IPVS then calls ip_vs_leave(), whose icmp_send() sends nothing for an
 * IPv4 virtual address that is not a local address; this sends the port
 * unreachable from the virtual address instead, exactly when
 * ip_vs_leave() would have tried to send one. Does nothing when the
 * switch of @svc's network namespace is off, for a local virtual address
 * (the kernel already sends from it), for IPv6 (the kernel builds the
 * error and this module's output hook gives it the virtual address) and
 * when the module's conn_schedule wrapper (module parameter
 * stock_schedulers, on by default) has already made icmp_send() work for
 * this packet: that error gets the virtual address in the output hook, so
 * there is one error either way.
 *
 * Context: packet path, RCU read side (as ->schedule()).
 * Return: true if an error was sent.
 */
bool ip_vs_icmp_vip_no_dest(struct ip_vs_service *svc,
			    const struct sk_buff *skb,
			    const struct ip_vs_iphdr *iph);

/* The packet work, exported for the KUnit suite only. */

/* Bytes of a packet remembered: IPv4 header with options or IPv6 header,
 * plus 8 bytes of the transport header.
 */
#define IP_VS_ICMP_VIP_SNAP_MAX	72

/* Most of the original datagram an IPv4 error carries (RFC 1812 4.3.2.3) */
#define IP_VS_ICMP_VIP_MAX_LEN	576

/* Where the parts of an ICMP or ICMPv6 port unreachable error are. */
struct ip_vs_icmp_vip_err {
	unsigned int icmp_off;		/* ICMP header, from skb->data */
	unsigned int quote_off;		/* quoted datagram, from skb->data */
	unsigned int quote_len;		/* bytes of it in the error */
};

/* The first bytes of the packet IPVS is processing on this CPU. */
struct ip_vs_icmp_vip_snap {
	const struct net *net;		/* compared, never dereferenced */
	const void *skb;		/* compared, never dereferenced */
	u8 af;
	u8 state;			/* enum ip_vs_icmp_vip_state */
	u8 forced;			/* skb has a non-local route copy */
	u8 len;
	u8 hdr[IP_VS_ICMP_VIP_SNAP_MAX];
};

/* A packet's own route while it holds a copy (ip_vs_icmp_vip_dst_*). */
struct ip_vs_icmp_vip_dst_swap {
	unsigned long refdst;		/* skb->_skb_refdst as it was */
	struct dst_entry *dst;		/* the copy the skb holds */
};

enum ip_vs_icmp_vip_state {
	IP_VS_ICMP_VIP_IDLE = 0,	/* no packet being processed */
	IP_VS_ICMP_VIP_ARMED,		/* IPVS is processing snap's packet */
	IP_VS_ICMP_VIP_SENDING,		/* this module is sending its error */
	IP_VS_ICMP_VIP_ANSWERED,	/* the packet has had its error */
};

/* Rate limits of the IPv4 errors built here where the kernel's are not
 * exported (ip_vs_icmp_vip_limit.c): slots for destinations' buckets.
 */
#define IP_VS_ICMP_VIP_PEER_SLOTS	128

struct ip_vs_icmp_vip_peer_slot {
	unsigned long last;		/* jiffies of the last refill */
	unsigned long tokens;		/* jiffies' worth */
};

struct ip_vs_icmp_vip_limit {
	atomic_t credit;		/* errors the namespace may send */
	unsigned long stamp;		/* jiffies of the last refill */
	u32 seed;			/* of the destinations' hash */
	struct ip_vs_icmp_vip_peer_slot peers[IP_VS_ICMP_VIP_PEER_SLOTS];
};

int ip_vs_icmp_vip_parse(const struct sk_buff *skb, int af,
			 struct ip_vs_icmp_vip_err *e);
int ip_vs_icmp_vip_quoted_daddr(const struct sk_buff *skb, int af,
				const struct ip_vs_icmp_vip_err *e,
				union nf_inet_addr *addr);
int ip_vs_icmp_vip_set_saddr4(struct sk_buff *skb, __be32 saddr);
int ip_vs_icmp_vip_set_saddr6(struct sk_buff *skb,
			      const struct ip_vs_icmp_vip_err *e,
			      const struct in6_addr *saddr);
bool ip_vs_icmp_vip_may_answer4(const struct sk_buff *skb);
struct sk_buff *ip_vs_icmp_vip_build4(const struct sk_buff *skb,
				      __be32 saddr, __be32 daddr, u8 tos,
				      u8 ttl, unsigned int mtu,
				      unsigned int headroom);
void ip_vs_icmp_vip_snap_take(struct ip_vs_icmp_vip_snap *s,
			      const struct sk_buff *skb,
			      const struct net *net, int af);
bool ip_vs_icmp_vip_snap_match(const struct ip_vs_icmp_vip_snap *s,
			       const struct sk_buff *skb,
			       const struct ip_vs_icmp_vip_err *e);
int ip_vs_icmp_vip_dst_unlocal(struct sk_buff *skb,
			       struct ip_vs_icmp_vip_dst_swap *sw);
void ip_vs_icmp_vip_dst_forget(struct ip_vs_icmp_vip_dst_swap *sw);
void ip_vs_icmp_vip_dst_restore(struct sk_buff *skb,
				struct ip_vs_icmp_vip_dst_swap *sw);
int ip_vs_icmp_vip_conn_schedule(struct netns_ipvs *ipvs, int af,
				 struct sk_buff *skb,
				 struct ip_vs_proto_data *pd, int *verdict,
				 struct ip_vs_conn **cpp,
				 struct ip_vs_iphdr *iph);
bool ip_vs_icmp_vip_wrap_wanted(void);
void ip_vs_icmp_vip_limit_init(struct ip_vs_icmp_vip_limit *l,
			       unsigned long now);
bool ip_vs_icmp_vip_limit_global(struct ip_vs_icmp_vip_limit *l,
				 unsigned long now, int per_sec, int burst);
void ip_vs_icmp_vip_limit_consume(struct ip_vs_icmp_vip_limit *l,
				  u32 credits);
bool ip_vs_icmp_vip_limit_peer(struct ip_vs_icmp_vip_limit *l, __be32 daddr,
			       unsigned long now, int interval);

#endif /* _IP_VS_ICMP_VIP_H */
