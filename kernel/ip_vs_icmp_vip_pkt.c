// SPDX-License-Identifier: GPL-2.0
/*
 * Packet work of ip_vs_icmp_vip, free of any state so that the KUnit suite
 * can check it byte by byte:
 *
 * - find an ICMP or ICMPv6 port unreachable error and the datagram it
 *   quotes (ip_vs_icmp_vip_parse);
 * - give such an error another source address, with the IPv4 header
 *   checksum or the ICMPv6 checksum (whose pseudo-header covers the source)
 *   updated; the ICMPv4 checksum covers only the ICMP message and the
 *   quoted datagram is never touched;
 * - build an IPv4 port unreachable about a packet from any source address
 *   (ip_vs_icmp_vip_build4), under the rules of RFC 1122 3.2.2
 *   (ip_vs_icmp_vip_may_answer4);
 * - remember the first bytes of a packet and recognise them in the quote of
 *   an error (ip_vs_icmp_vip_snap_*);
 * - lend a locally delivered IPv4 packet, for a moment, a copy of its input
 *   route without RTCF_LOCAL, and give it its own route back
 *   (ip_vs_icmp_vip_dst_*).
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <linux/string.h>
#include <linux/netfilter.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/lwtunnel.h>
#include <net/route.h>
#include <kunit/visibility.h>

#include "ip_vs_icmp_vip.h"

static int ip_vs_icmp_vip_parse4(const struct sk_buff *skb,
				 struct ip_vs_icmp_vip_err *e)
{
	unsigned int off = skb_network_offset(skb);
	struct iphdr _iph, _qiph;
	const struct iphdr *iph, *qiph;
	struct icmphdr _ic;
	const struct icmphdr *ic;

	iph = skb_header_pointer(skb, off, sizeof(_iph), &_iph);
	if (!iph || iph->version != 4 || iph->ihl < 5 ||
	    iph->protocol != IPPROTO_ICMP || ip_is_fragment(iph))
		return -EINVAL;
	off += iph->ihl * 4;
	ic = skb_header_pointer(skb, off, sizeof(_ic), &_ic);
	if (!ic || ic->type != ICMP_DEST_UNREACH ||
	    ic->code != ICMP_PORT_UNREACH)
		return -EINVAL;
	e->icmp_off = off;
	e->quote_off = off + sizeof(*ic);
	if (skb->len < e->quote_off)
		return -EINVAL;
	e->quote_len = skb->len - e->quote_off;
	qiph = skb_header_pointer(skb, e->quote_off, sizeof(_qiph), &_qiph);
	if (!qiph || qiph->version != 4 || qiph->ihl < 5 ||
	    e->quote_len < qiph->ihl * 4 + 8)
		return -EINVAL;
	return 0;
}

static int ip_vs_icmp_vip_parse6(const struct sk_buff *skb,
				 struct ip_vs_icmp_vip_err *e)
{
	unsigned int off = skb_network_offset(skb);
	struct ipv6hdr _ip6h, _qip6h;
	const struct ipv6hdr *ip6h, *qip6h;
	struct icmp6hdr _ic;
	const struct icmp6hdr *ic;

	/* The kernel's ICMPv6 errors carry no extension headers. */
	ip6h = skb_header_pointer(skb, off, sizeof(_ip6h), &_ip6h);
	if (!ip6h || ip6h->version != 6 || ip6h->nexthdr != IPPROTO_ICMPV6)
		return -EINVAL;
	off += sizeof(*ip6h);
	ic = skb_header_pointer(skb, off, sizeof(_ic), &_ic);
	if (!ic || ic->icmp6_type != ICMPV6_DEST_UNREACH ||
	    ic->icmp6_code != ICMPV6_PORT_UNREACH)
		return -EINVAL;
	e->icmp_off = off;
	e->quote_off = off + sizeof(*ic);
	if (skb->len < e->quote_off + sizeof(*qip6h))
		return -EINVAL;
	e->quote_len = skb->len - e->quote_off;
	qip6h = skb_header_pointer(skb, e->quote_off, sizeof(_qip6h),
				   &_qip6h);
	if (!qip6h || qip6h->version != 6)
		return -EINVAL;
	return 0;
}

/**
 * ip_vs_icmp_vip_parse - is @skb an ICMP(v6) port unreachable error?
 * @skb: IPv4 or IPv6 packet, skb->data at or before its network header
 * @af: AF_INET or AF_INET6
 * @e: where its ICMP header and quoted datagram are, on success
 *
 * Return: 0 when @skb is an unfragmented port unreachable that quotes at
 * least an IP header (plus 8 bytes for IPv4), else -EINVAL.
 */
int ip_vs_icmp_vip_parse(const struct sk_buff *skb, int af,
			 struct ip_vs_icmp_vip_err *e)
{
	if (af == AF_INET6)
		return ip_vs_icmp_vip_parse6(skb, e);
	return ip_vs_icmp_vip_parse4(skb, e);
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_icmp_vip_parse);

/**
 * ip_vs_icmp_vip_quoted_daddr - destination address of the quoted datagram
 * @skb: an error that ip_vs_icmp_vip_parse() accepted
 * @af: its family
 * @e: as filled in by ip_vs_icmp_vip_parse()
 * @addr: where to copy the address (4 or 16 bytes)
 *
 * Return: 0, or -EINVAL when the quote is too short.
 */
int ip_vs_icmp_vip_quoted_daddr(const struct sk_buff *skb, int af,
				const struct ip_vs_icmp_vip_err *e,
				union nf_inet_addr *addr)
{
	if (af == AF_INET6)
		return skb_copy_bits(skb, e->quote_off +
				     offsetof(struct ipv6hdr, daddr),
				     &addr->in6, sizeof(addr->in6));
	return skb_copy_bits(skb, e->quote_off + offsetof(struct iphdr, daddr),
			     &addr->ip, sizeof(addr->ip));
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_icmp_vip_quoted_daddr);

/**
 * ip_vs_icmp_vip_set_saddr4 - new source address for an IPv4 packet
 * @skb: the packet, network header set
 * @saddr: the new source
 *
 * The header checksum is updated; the ICMP checksum does not cover the IP
 * header, so nothing else changes.
 *
 * Return: 0, or -ENOMEM when the header could not be made writable.
 */
int ip_vs_icmp_vip_set_saddr4(struct sk_buff *skb, __be32 saddr)
{
	struct iphdr *iph;

	if (skb_ensure_writable(skb, skb_network_offset(skb) + sizeof(*iph)))
		return -ENOMEM;
	iph = ip_hdr(skb);
	csum_replace4(&iph->check, iph->saddr, saddr);
	iph->saddr = saddr;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_icmp_vip_set_saddr4);

/**
 * ip_vs_icmp_vip_set_saddr6 - new source address for an ICMPv6 error
 * @skb: the error, network header set
 * @e: as filled in by ip_vs_icmp_vip_parse()
 * @saddr: the new source
 *
 * The ICMPv6 checksum covers the source address in its pseudo-header; it
 * is updated incrementally (for any ip_summed).
 *
 * Return: 0, or -ENOMEM when the headers could not be made writable.
 */
int ip_vs_icmp_vip_set_saddr6(struct sk_buff *skb,
			      const struct ip_vs_icmp_vip_err *e,
			      const struct in6_addr *saddr)
{
	struct ipv6hdr *ip6h;
	struct icmp6hdr *ic;

	if (skb_ensure_writable(skb, e->icmp_off + sizeof(*ic)))
		return -ENOMEM;
	ip6h = ipv6_hdr(skb);
	ic = (struct icmp6hdr *)(skb->data + e->icmp_off);
	inet_proto_csum_replace16(&ic->icmp6_cksum, skb,
				  ip6h->saddr.s6_addr32, saddr->s6_addr32,
				  true);
	ip6h->saddr = *saddr;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_icmp_vip_set_saddr6);

/* ICMP types that are errors; unknown types count as errors (as icmp.c) */
static bool ip_vs_icmp_vip_type_is_error(u8 type)
{
	switch (type) {
	case ICMP_DEST_UNREACH:
	case ICMP_SOURCE_QUENCH:
	case ICMP_REDIRECT:
	case ICMP_TIME_EXCEEDED:
	case ICMP_PARAMETERPROB:
		return true;
	}
	return type > NR_ICMP_TYPES;
}

/**
 * ip_vs_icmp_vip_may_answer4 - may an ICMP error be sent about @skb?
 * @skb: a received IPv4 packet, network header set
 *
 * RFC 1122 3.2.2 as icmp_send() applies it: no error about a packet to a
 * broadcast or multicast address (link or IP level), about a fragment
 * other than the first, about an ICMP error, or to a source that does not
 * name one host. The caller checks the input route's broadcast/multicast
 * flags.
 *
 * Return: true when an error may be sent.
 */
bool ip_vs_icmp_vip_may_answer4(const struct sk_buff *skb)
{
	const struct iphdr *iph;
	struct iphdr _iph;
	u8 _type;
	const u8 *type;

	if (skb->pkt_type != PACKET_HOST)
		return false;
	iph = skb_header_pointer(skb, skb_network_offset(skb), sizeof(_iph),
				 &_iph);
	if (!iph || iph->version != 4 || iph->ihl < 5 ||
	    iph->frag_off & htons(IP_OFFSET) ||
	    ipv4_is_multicast(iph->daddr) || ipv4_is_lbcast(iph->daddr) ||
	    ipv4_is_zeronet(iph->saddr) || ipv4_is_multicast(iph->saddr) ||
	    ipv4_is_lbcast(iph->saddr))
		return false;
	if (iph->protocol == IPPROTO_ICMP) {
		type = skb_header_pointer(skb, skb_network_offset(skb) +
					  iph->ihl * 4 +
					  offsetof(struct icmphdr, type),
					  sizeof(_type), &_type);
		if (!type || ip_vs_icmp_vip_type_is_error(*type))
			return false;
	}
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_icmp_vip_may_answer4);

/**
 * ip_vs_icmp_vip_build4 - an IPv4 port unreachable about @skb
 * @skb: the packet the error is about, network header set
 * @saddr: source of the error (the virtual address)
 * @daddr: its destination (the client)
 * @tos: TOS byte
 * @ttl: time to live
 * @mtu: MTU of the route to @daddr
 * @headroom: link-layer room to reserve
 *
 * The error quotes as much of @skb, from its IP header on, as fits in
 * min(@mtu, 576) bytes, unchanged. Header and ICMP checksums are set; the
 * IP ID is 0 and DF clear: ip_select_ident() and ip_local_out() finish it.
 *
 * Return: the new skb, or NULL (no memory, MTU too small for a header).
 */
struct sk_buff *ip_vs_icmp_vip_build4(const struct sk_buff *skb,
				      __be32 saddr, __be32 daddr, u8 tos,
				      u8 ttl, unsigned int mtu,
				      unsigned int headroom)
{
	struct icmphdr *ic;
	struct sk_buff *nskb;
	struct iphdr *iph;
	unsigned int len;
	int room;

	room = min_t(int, mtu, IP_VS_ICMP_VIP_MAX_LEN) -
	       (int)(sizeof(*iph) + sizeof(*ic));
	if (room <= (int)sizeof(*iph) || skb_network_offset(skb) < 0 ||
	    skb->len <= skb_network_offset(skb))
		return NULL;
	len = min_t(unsigned int, skb->len - skb_network_offset(skb), room);

	nskb = alloc_skb(headroom + sizeof(*iph) + sizeof(*ic) + len,
			 GFP_ATOMIC);
	if (!nskb)
		return NULL;
	skb_reserve(nskb, headroom);
	skb_reset_network_header(nskb);
	iph = skb_put_zero(nskb, sizeof(*iph));
	iph->version = 4;
	iph->ihl = sizeof(*iph) >> 2;
	iph->tos = tos;
	iph->tot_len = htons(sizeof(*iph) + sizeof(*ic) + len);
	iph->ttl = ttl;
	iph->protocol = IPPROTO_ICMP;
	iph->saddr = saddr;
	iph->daddr = daddr;
	ip_send_check(iph);

	skb_set_transport_header(nskb, sizeof(*iph));
	ic = skb_put_zero(nskb, sizeof(*ic));
	ic->type = ICMP_DEST_UNREACH;
	ic->code = ICMP_PORT_UNREACH;
	if (skb_copy_bits(skb, skb_network_offset(skb), skb_put(nskb, len),
			  len)) {
		kfree_skb(nskb);
		return NULL;
	}
	ic->checksum = csum_fold(csum_partial(ic, sizeof(*ic) + len, 0));
	nskb->protocol = htons(ETH_P_IP);
	return nskb;
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_icmp_vip_build4);

/* IP header (with options) plus 8 bytes of what follows, at most. */
static unsigned int ip_vs_icmp_vip_snap_len(const struct sk_buff *skb,
					    int af)
{
	unsigned int off = skb_network_offset(skb), n;
	u8 _b, *b;

	if (af == AF_INET6) {
		n = sizeof(struct ipv6hdr) + 8;
	} else {
		b = skb_header_pointer(skb, off, 1, &_b);
		if (!b)
			return 0;
		n = (*b & 0x0f) * 4 + 8;
	}
	if (skb->len <= off)
		return 0;
	return min3(n, skb->len - off, (unsigned int)IP_VS_ICMP_VIP_SNAP_MAX);
}

/**
 * ip_vs_icmp_vip_snap_take - remember the packet IPVS is about to process
 * @s: this CPU's snapshot
 * @skb: the packet, network header set
 * @net: its network namespace
 * @af: its family
 *
 * Leaves @s ARMED with the packet's first bytes, or IDLE when they cannot
 * be read.
 */
void ip_vs_icmp_vip_snap_take(struct ip_vs_icmp_vip_snap *s,
			      const struct sk_buff *skb,
			      const struct net *net, int af)
{
	unsigned int n = ip_vs_icmp_vip_snap_len(skb, af);

	if (!n || skb_copy_bits(skb, skb_network_offset(skb), s->hdr, n)) {
		s->state = IP_VS_ICMP_VIP_IDLE;
		return;
	}
	s->net = net;
	s->skb = skb;
	s->af = af;
	s->len = n;
	s->forced = 0;
	s->state = IP_VS_ICMP_VIP_ARMED;
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_icmp_vip_snap_take);

/**
 * ip_vs_icmp_vip_snap_match - does an error quote the remembered packet?
 * @s: a snapshot that is not IDLE
 * @skb: the error
 * @e: as filled in by ip_vs_icmp_vip_parse()
 *
 * Return: true when the quote begins with exactly the remembered bytes.
 */
bool ip_vs_icmp_vip_snap_match(const struct ip_vs_icmp_vip_snap *s,
			       const struct sk_buff *skb,
			       const struct ip_vs_icmp_vip_err *e)
{
	u8 buf[IP_VS_ICMP_VIP_SNAP_MAX];
	const u8 *q;

	if (!s->len || e->quote_len < s->len)
		return false;
	q = skb_header_pointer(skb, e->quote_off, s->len, buf);
	return q && !memcmp(q, s->hdr, s->len);
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_icmp_vip_snap_match);

/*
 * A copy of the input route @rt without RTCF_LOCAL. rt_dst_clone() does
 * this but is no longer exported after 6.12; rt_dst_alloc() is, on every
 * kernel we build for. The copy takes over what rt_dst_clone() copies:
 * flags (of the dst: those rt_dst_alloc() can set), type, input interface,
 * path MTU, gateway, input and output functions, error, tunnel state.
 */
static struct rtable *ip_vs_icmp_vip_rt_copy(struct rtable *rt)
{
	struct rtable *nrt;

	nrt = rt_dst_alloc(rt->dst.dev, rt->rt_flags & ~RTCF_LOCAL,
			   rt->rt_type, rt->dst.flags & DST_NOXFRM);
	if (!nrt)
		return NULL;
	nrt->dst.flags |= rt->dst.flags & DST_NOPOLICY;
	nrt->rt_is_input = rt->rt_is_input;
	nrt->rt_iif = rt->rt_iif;
	nrt->rt_pmtu = rt->rt_pmtu;
	nrt->rt_mtu_locked = rt->rt_mtu_locked;
	nrt->rt_gw_family = rt->rt_gw_family;
	if (rt->rt_gw_family == AF_INET)
		nrt->rt_gw4 = rt->rt_gw4;
	else if (rt->rt_gw_family == AF_INET6)
		nrt->rt_gw6 = rt->rt_gw6;
	nrt->dst.input = READ_ONCE(rt->dst.input);
	nrt->dst.output = READ_ONCE(rt->dst.output);
	nrt->dst.error = rt->dst.error;
	nrt->dst.lwtstate = lwtstate_get(rt->dst.lwtstate);
	return nrt;
}

/**
 * ip_vs_icmp_vip_dst_unlocal - lend @skb its input route without RTCF_LOCAL
 * @skb: a received IPv4 packet with an input route
 * @sw: filled in: the skb's own route and the copy it now holds
 *
 * icmp_send() answers a packet whose route has RTCF_LOCAL from the packet's
 * destination address and lets the route lookup pick a local source
 * otherwise. The copy (same device, type, input interface and other flags)
 * is held by @skb with a reference of its own; the skb's
 * route reference, counted or not, is kept in @sw as it was. Hand it back
 * with ip_vs_icmp_vip_dst_restore(), or ip_vs_icmp_vip_dst_forget() when
 * @skb is gone.
 *
 * Context: RCU read side (the skb's route may be a noref one).
 * Return: 0, -EINVAL without an input route, -ENOMEM.
 */
int ip_vs_icmp_vip_dst_unlocal(struct sk_buff *skb,
			       struct ip_vs_icmp_vip_dst_swap *sw)
{
	struct rtable *rt = skb_rtable(skb), *nrt;

	if (!rt || !rt_is_input_route(rt) || !rt->dst.dev)
		return -EINVAL;
	nrt = ip_vs_icmp_vip_rt_copy(rt);
	if (!nrt)
		return -ENOMEM;
	sw->refdst = skb->_skb_refdst;
	sw->dst = &nrt->dst;
	skb->_skb_refdst = (unsigned long)&nrt->dst;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_icmp_vip_dst_unlocal);

/**
 * ip_vs_icmp_vip_dst_forget - drop the route ip_vs_icmp_vip_dst_unlocal() kept
 * @sw: as filled in by ip_vs_icmp_vip_dst_unlocal()
 *
 * For when the skb is gone or was routed anew: its own route reference, if
 * it was a counted one, is released.
 */
void ip_vs_icmp_vip_dst_forget(struct ip_vs_icmp_vip_dst_swap *sw)
{
	if (sw->refdst && !(sw->refdst & SKB_DST_NOREF))
		dst_release((struct dst_entry *)(sw->refdst & SKB_DST_PTRMASK));
	sw->refdst = 0;
	sw->dst = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_icmp_vip_dst_forget);

/**
 * ip_vs_icmp_vip_dst_restore - give @skb its own route back
 * @skb: the skb ip_vs_icmp_vip_dst_unlocal() lent the copy to, still alive
 * @sw: as filled in by ip_vs_icmp_vip_dst_unlocal()
 *
 * When @skb still holds the copy, the copy is released and the skb's own
 * route reference put back exactly as it was (noref or counted). When
 * something routed @skb anew meanwhile (and so released the copy), that
 * route stays and the skb's old reference is dropped.
 */
void ip_vs_icmp_vip_dst_restore(struct sk_buff *skb,
				struct ip_vs_icmp_vip_dst_swap *sw)
{
	if (skb->_skb_refdst != (unsigned long)sw->dst) {
		ip_vs_icmp_vip_dst_forget(sw);
		return;
	}
	skb_dst_drop(skb);
	skb->_skb_refdst = sw->refdst;
	sw->refdst = 0;
	sw->dst = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_icmp_vip_dst_restore);
