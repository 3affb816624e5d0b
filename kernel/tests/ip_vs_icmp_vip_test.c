// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for the packet work of ip_vs_icmp_vip (ip_vs_icmp_vip_pkt.c).
 *
 * ip_vs_icmp_vip_rewrite: an ICMP or ICMPv6 port unreachable, built here by
 * hand with correct checksums, gets the VIP as its source. Every checksum is
 * then verified by recomputing it from scratch (IPv4 header checksum, ICMP
 * checksum, ICMPv6 checksum over the new pseudo-header), never by running
 * the code under test backwards, and the quoted datagram is compared byte
 * by byte with the original.
 *
 * ip_vs_icmp_vip_build: the IPv4 error the module builds for schedulers:
 * header fields, both checksums, the quote and its 576-byte / MTU limit.
 *
 * ip_vs_icmp_vip_classify: which packets are port unreachable errors, which
 * packets may be answered at all (RFC 1122 3.2.2), and the snapshot match
 * that tells the errors IPVS generated from any other.
 *
 * ip_vs_icmp_vip_route: the route copy without RTCF_LOCAL that a packet
 * holds while IPVS schedules it, the exact return of its own route, and
 * the wrap of IPVS's conn_schedule (the one place the module reaches into
 * IPVS: if a kernel stops calling conn_schedule through these descriptors
 * the wrap case fails here, not silently in the field).
 *
 * The comment above each case names the bug it is there to catch.
 */
#include <kunit/test.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/jhash.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/skbuff.h>
#include <linux/string.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>
#include <net/ip_vs.h>
#include <net/net_namespace.h>
#include <net/route.h>

#include "ip_vs_icmp_vip.h"
#include "compat.h"

#define CLIENT4		cpu_to_be32(0x0a000102)		/* 10.0.1.2 */
#define VIP4		cpu_to_be32(0x0a006401)		/* 10.0.100.1 */
#define DIR4		cpu_to_be32(0x0a000202)		/* 10.0.2.2 */
#define CPORT		cpu_to_be16(40001)
#define VPORT		cpu_to_be16(5353)

static const struct in6_addr client6 = {
	.s6_addr = { 0xfd, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 } };
static const struct in6_addr vip6 = {
	.s6_addr = { 0xfd, 0, 0, 0x64, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 } };
static const struct in6_addr dir6 = {
	.s6_addr = { 0xfd, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 } };

/* Every skb a case makes, freed when it ends. */
#define ICMP_VIP_MAX_SKBS	128

struct icmp_vip_fix {
	struct sk_buff *skbs[ICMP_VIP_MAX_SKBS];
	unsigned int n;
};

static int icmp_vip_init(struct kunit *test)
{
	test->priv = kunit_kzalloc(test, sizeof(struct icmp_vip_fix),
				   GFP_KERNEL);
	return test->priv ? 0 : -ENOMEM;
}

static void icmp_vip_exit(struct kunit *test)
{
	struct icmp_vip_fix *f = test->priv;

	while (f->n)
		kfree_skb(f->skbs[--f->n]);
}

static struct sk_buff *icmp_vip_own(struct kunit *test, struct sk_buff *skb)
{
	struct icmp_vip_fix *f = test->priv;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	if (f->n == ICMP_VIP_MAX_SKBS)
		kfree_skb(skb);
	KUNIT_ASSERT_LT(test, f->n, ICMP_VIP_MAX_SKBS);
	f->skbs[f->n++] = skb;
	return skb;
}

static void icmp_vip_fill(u8 *p, unsigned int len, u8 seed)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		p[i] = seed + i * 7;
}

/*
 * The client's UDP datagram to the VIP: IPv4 (ihl words of header, options
 * filled with NOPs) or IPv6, @plen payload bytes, correct checksums.
 */
static struct sk_buff *icmp_vip_udp4(struct kunit *test, unsigned int plen,
				     unsigned int ihl, __be16 sport)
{
	unsigned int hlen = ihl * 4, len = hlen + sizeof(struct udphdr) + plen;
	struct sk_buff *skb = icmp_vip_own(test, alloc_skb(len, GFP_KERNEL));
	struct udphdr *uh;
	struct iphdr *iph;

	skb_reset_network_header(skb);
	iph = skb_put_zero(skb, hlen);
	memset(iph + 1, IPOPT_NOOP, hlen - sizeof(*iph));
	iph->version = 4;
	iph->ihl = ihl;
	iph->tot_len = htons(len);
	iph->id = htons(0x1234);
	iph->ttl = 63;
	iph->protocol = IPPROTO_UDP;
	iph->saddr = CLIENT4;
	iph->daddr = VIP4;
	ip_send_check(iph);
	uh = skb_put(skb, sizeof(*uh));
	uh->source = sport;
	uh->dest = VPORT;
	uh->len = htons(sizeof(*uh) + plen);
	uh->check = 0;
	icmp_vip_fill(skb_put(skb, plen), plen, 0x31);
	uh->check = csum_tcpudp_magic(CLIENT4, VIP4, sizeof(*uh) + plen,
				      IPPROTO_UDP,
				      csum_partial(uh, sizeof(*uh) + plen, 0));
	return skb;
}

static struct sk_buff *icmp_vip_udp6(struct kunit *test, unsigned int plen,
				     __be16 sport)
{
	unsigned int len = sizeof(struct ipv6hdr) + sizeof(struct udphdr) +
			   plen;
	struct sk_buff *skb = icmp_vip_own(test, alloc_skb(len, GFP_KERNEL));
	struct ipv6hdr *ip6h;
	struct udphdr *uh;

	skb_reset_network_header(skb);
	ip6h = skb_put_zero(skb, sizeof(*ip6h));
	ip6h->version = 6;
	ip6h->payload_len = htons(sizeof(*uh) + plen);
	ip6h->nexthdr = IPPROTO_UDP;
	ip6h->hop_limit = 63;
	ip6h->saddr = client6;
	ip6h->daddr = vip6;
	uh = skb_put(skb, sizeof(*uh));
	uh->source = sport;
	uh->dest = VPORT;
	uh->len = htons(sizeof(*uh) + plen);
	uh->check = 0;
	icmp_vip_fill(skb_put(skb, plen), plen, 0x47);
	uh->check = csum_ipv6_magic(&client6, &vip6, sizeof(*uh) + plen,
				    IPPROTO_UDP,
				    csum_partial(uh, sizeof(*uh) + plen, 0));
	return skb;
}

/*
 * An ICMP error (@type, @code) about @orig from @saddr, as the kernel
 * builds it, written here independently of the code under test. For IPv6,
 * with @frag the quote lives in a page fragment instead of the linear area.
 */
static struct sk_buff *icmp_vip_err4(struct kunit *test,
				     const struct sk_buff *orig, __be32 saddr,
				     u8 type, u8 code)
{
	unsigned int qlen = orig->len;
	unsigned int len = sizeof(struct iphdr) + sizeof(struct icmphdr) + qlen;
	struct sk_buff *skb = icmp_vip_own(test, alloc_skb(len, GFP_KERNEL));
	struct icmphdr *ic;
	struct iphdr *iph;

	skb_reset_network_header(skb);
	iph = skb_put_zero(skb, sizeof(*iph));
	iph->version = 4;
	iph->ihl = 5;
	iph->tos = 0xc0;
	iph->tot_len = htons(len);
	iph->id = htons(0x4321);
	iph->ttl = 64;
	iph->protocol = IPPROTO_ICMP;
	iph->saddr = saddr;
	iph->daddr = ip_hdr(orig)->saddr;
	ip_send_check(iph);
	skb_set_transport_header(skb, sizeof(*iph));
	ic = skb_put_zero(skb, sizeof(*ic));
	ic->type = type;
	ic->code = code;
	skb_put_data(skb, orig->data, qlen);
	ic->checksum = csum_fold(csum_partial(ic, sizeof(*ic) + qlen, 0));
	return skb;
}

static struct sk_buff *icmp_vip_err6(struct kunit *test,
				     const struct sk_buff *orig,
				     const struct in6_addr *saddr, u8 type,
				     u8 code, bool frag)
{
	unsigned int qlen = orig->len, hlen, plen;
	struct sk_buff *skb;
	struct ipv6hdr *ip6h;
	struct icmp6hdr *ic;
	struct page *page;
	__wsum csum;

	hlen = sizeof(*ip6h) + sizeof(*ic);
	plen = sizeof(*ic) + qlen;
	skb = icmp_vip_own(test, alloc_skb(hlen + (frag ? 0 : qlen),
					   GFP_KERNEL));
	skb_reset_network_header(skb);
	ip6h = skb_put_zero(skb, sizeof(*ip6h));
	ip6h->version = 6;
	ip6h->payload_len = htons(plen);
	ip6h->nexthdr = IPPROTO_ICMPV6;
	ip6h->hop_limit = 64;
	ip6h->saddr = *saddr;
	ip6h->daddr = ipv6_hdr(orig)->saddr;
	skb_set_transport_header(skb, sizeof(*ip6h));
	ic = skb_put_zero(skb, sizeof(*ic));
	ic->icmp6_type = type;
	ic->icmp6_code = code;
	if (frag) {
		page = alloc_page(GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, page);
		memcpy(page_address(page), orig->data, qlen);
		skb_add_rx_frag(skb, 0, page, 0, qlen, PAGE_SIZE);
	} else {
		skb_put_data(skb, orig->data, qlen);
	}
	csum = skb_checksum(skb, sizeof(*ip6h), plen, 0);
	ic->icmp6_cksum = csum_ipv6_magic(saddr, &ip6h->daddr, plen,
					  IPPROTO_ICMPV6, csum);
	return skb;
}

/* Recomputed from scratch: 0 when the IPv4 header checksum is right. */
static u16 icmp_vip_ip_csum(const struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);

	return (__force u16)ip_fast_csum(iph, iph->ihl);
}

/* Recomputed from scratch: 0 when the ICMP checksum is right. */
static u16 icmp_vip_icmp4_csum(const struct sk_buff *skb)
{
	unsigned int off = ip_hdr(skb)->ihl * 4;

	return (__force u16)csum_fold(skb_checksum(skb, off, skb->len - off,
						   0));
}

/* Recomputed from scratch over the current pseudo-header. */
static u16 icmp_vip_icmp6_csum(const struct sk_buff *skb)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	unsigned int off = sizeof(*ip6h), len = skb->len - off;

	return (__force u16)csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr, len,
					    IPPROTO_ICMPV6,
					    skb_checksum(skb, off, len, 0));
}

/* The quote, wherever it lives, equals @orig byte for byte. */
static void icmp_vip_expect_quote(struct kunit *test,
				  const struct sk_buff *err, unsigned int off,
				  const struct sk_buff *orig, unsigned int len)
{
	u8 *buf = kunit_kzalloc(test, len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, 0, skb_copy_bits(err, off, buf, len));
	KUNIT_EXPECT_EQ(test, 0, memcmp(buf, orig->data, len));
}

/*
 * IPv4: the header checksum must follow the new source (a stale one makes
 * every router drop the error) and the ICMP checksum, which does not cover
 * the IP header, must stay valid; nothing else may change.
 */
static void icmp_vip_rewrite4(struct kunit *test)
{
	struct sk_buff *orig = icmp_vip_udp4(test, 23, 5, CPORT);
	struct sk_buff *err = icmp_vip_err4(test, orig, DIR4, ICMP_DEST_UNREACH,
					    ICMP_PORT_UNREACH);
	struct ip_vs_icmp_vip_err e;
	struct iphdr before;

	KUNIT_ASSERT_EQ(test, 0, icmp_vip_ip_csum(err));
	KUNIT_ASSERT_EQ(test, 0, icmp_vip_icmp4_csum(err));
	KUNIT_ASSERT_EQ(test, 0, ip_vs_icmp_vip_parse(err, AF_INET, &e));
	before = *ip_hdr(err);

	KUNIT_ASSERT_EQ(test, 0, ip_vs_icmp_vip_set_saddr4(err, VIP4));
	KUNIT_EXPECT_EQ(test, ip_hdr(err)->saddr, VIP4);
	KUNIT_EXPECT_EQ(test, ip_hdr(err)->daddr, CLIENT4);
	KUNIT_EXPECT_EQ(test, 0, icmp_vip_ip_csum(err));
	KUNIT_EXPECT_EQ(test, 0, icmp_vip_icmp4_csum(err));
	KUNIT_EXPECT_EQ(test, ip_hdr(err)->tot_len, before.tot_len);
	KUNIT_EXPECT_EQ(test, ip_hdr(err)->id, before.id);
	KUNIT_EXPECT_EQ(test, ip_hdr(err)->ttl, before.ttl);
	icmp_vip_expect_quote(test, err, e.quote_off, orig, orig->len);
}

/*
 * IPv4, many address pairs: an incremental update that mishandles the
 * end-around carry or the 0x0000/0xffff forms is right for most addresses
 * and wrong for a few.
 */
static void icmp_vip_rewrite4_addresses(struct kunit *test)
{
	static const u32 addrs[] = {
		0x0a000202, 0x0a006401, 0xffffff7f, 0x00000001, 0xfffefffe,
		0x7f000001, 0xc0a80001, 0x01010101, 0xfffffffe, 0x80000000,
	};
	struct sk_buff *orig = icmp_vip_udp4(test, 8, 5, CPORT);
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(addrs); i++) {
		for (j = 0; j < ARRAY_SIZE(addrs); j++) {
			__be32 to = cpu_to_be32(addrs[j]);
			struct sk_buff *err;

			err = icmp_vip_err4(test, orig, cpu_to_be32(addrs[i]),
					    ICMP_DEST_UNREACH,
					    ICMP_PORT_UNREACH);
			KUNIT_ASSERT_EQ(test, 0,
					ip_vs_icmp_vip_set_saddr4(err, to));
			KUNIT_EXPECT_EQ_MSG(test, 0, icmp_vip_ip_csum(err),
					    "%08x -> %08x", addrs[i], addrs[j]);
		}
	}
}

/*
 * IPv6: the ICMPv6 checksum covers the source address in its
 * pseudo-header; forgetting to update it makes the client's kernel drop the
 * error silently (no ECONNREFUSED).
 */
static void icmp_vip_rewrite6(struct kunit *test)
{
	struct sk_buff *orig = icmp_vip_udp6(test, 24, CPORT);
	struct sk_buff *err = icmp_vip_err6(test, orig, &dir6,
					    ICMPV6_DEST_UNREACH,
					    ICMPV6_PORT_UNREACH, false);
	struct ip_vs_icmp_vip_err e;

	KUNIT_ASSERT_EQ(test, 0, icmp_vip_icmp6_csum(err));
	KUNIT_ASSERT_EQ(test, 0, ip_vs_icmp_vip_parse(err, AF_INET6, &e));
	KUNIT_ASSERT_EQ(test, 0, ip_vs_icmp_vip_set_saddr6(err, &e, &vip6));
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&ipv6_hdr(err)->saddr, &vip6));
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&ipv6_hdr(err)->daddr,
						&client6));
	KUNIT_EXPECT_EQ(test, 0, icmp_vip_icmp6_csum(err));
	icmp_vip_expect_quote(test, err, e.quote_off, orig, orig->len);
}

/*
 * IPv6 with an odd-length ICMPv6 message: a checksum update that pads the
 * wrong byte is only wrong for odd lengths.
 */
static void icmp_vip_rewrite6_odd(struct kunit *test)
{
	struct sk_buff *orig = icmp_vip_udp6(test, 5, CPORT);
	struct sk_buff *err = icmp_vip_err6(test, orig, &dir6,
					    ICMPV6_DEST_UNREACH,
					    ICMPV6_PORT_UNREACH, false);
	struct ip_vs_icmp_vip_err e;

	KUNIT_ASSERT_EQ(test, 1, (int)(err->len & 1));
	KUNIT_ASSERT_EQ(test, 0, ip_vs_icmp_vip_parse(err, AF_INET6, &e));
	KUNIT_ASSERT_EQ(test, 0, ip_vs_icmp_vip_set_saddr6(err, &e, &vip6));
	KUNIT_EXPECT_EQ(test, 0, icmp_vip_icmp6_csum(err));
	icmp_vip_expect_quote(test, err, e.quote_off, orig, orig->len);
}

/*
 * IPv6 with the quote in a page fragment: the rewrite must only need the
 * headers in the linear area and must not touch the fragment.
 */
static void icmp_vip_rewrite6_nonlinear(struct kunit *test)
{
	struct sk_buff *orig = icmp_vip_udp6(test, 300, CPORT);
	struct sk_buff *err = icmp_vip_err6(test, orig, &dir6,
					    ICMPV6_DEST_UNREACH,
					    ICMPV6_PORT_UNREACH, true);
	struct ip_vs_icmp_vip_err e;

	KUNIT_ASSERT_TRUE(test, skb_is_nonlinear(err));
	KUNIT_ASSERT_EQ(test, 0, icmp_vip_icmp6_csum(err));
	KUNIT_ASSERT_EQ(test, 0, ip_vs_icmp_vip_parse(err, AF_INET6, &e));
	KUNIT_ASSERT_EQ(test, 0, ip_vs_icmp_vip_set_saddr6(err, &e, &vip6));
	KUNIT_EXPECT_EQ(test, 0, icmp_vip_icmp6_csum(err));
	icmp_vip_expect_quote(test, err, e.quote_off, orig, orig->len);
}

/*
 * A clone (packet capture, a tee) shares the data: the rewrite must unshare
 * it first and leave the clone's copy as it was.
 */
static void icmp_vip_rewrite6_cloned(struct kunit *test)
{
	struct sk_buff *orig = icmp_vip_udp6(test, 16, CPORT);
	struct sk_buff *err = icmp_vip_err6(test, orig, &dir6,
					    ICMPV6_DEST_UNREACH,
					    ICMPV6_PORT_UNREACH, false);
	struct sk_buff *clone = icmp_vip_own(test, skb_clone(err, GFP_KERNEL));
	struct ip_vs_icmp_vip_err e;

	KUNIT_ASSERT_EQ(test, 0, ip_vs_icmp_vip_parse(err, AF_INET6, &e));
	KUNIT_ASSERT_EQ(test, 0, ip_vs_icmp_vip_set_saddr6(err, &e, &vip6));
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&ipv6_hdr(err)->saddr, &vip6));
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&ipv6_hdr(clone)->saddr,
						&dir6));
	KUNIT_EXPECT_EQ(test, 0, icmp_vip_icmp6_csum(err));
	KUNIT_EXPECT_EQ(test, 0, icmp_vip_icmp6_csum(clone));
}

/*
 * IPv4 with a cloned error: same as above, for the IPv4 header.
 */
static void icmp_vip_rewrite4_cloned(struct kunit *test)
{
	struct sk_buff *orig = icmp_vip_udp4(test, 16, 5, CPORT);
	struct sk_buff *err = icmp_vip_err4(test, orig, DIR4, ICMP_DEST_UNREACH,
					    ICMP_PORT_UNREACH);
	struct sk_buff *clone = icmp_vip_own(test, skb_clone(err, GFP_KERNEL));

	KUNIT_ASSERT_EQ(test, 0, ip_vs_icmp_vip_set_saddr4(err, VIP4));
	KUNIT_EXPECT_EQ(test, ip_hdr(err)->saddr, VIP4);
	KUNIT_EXPECT_EQ(test, ip_hdr(clone)->saddr, DIR4);
	KUNIT_EXPECT_EQ(test, 0, icmp_vip_ip_csum(err));
	KUNIT_EXPECT_EQ(test, 0, icmp_vip_ip_csum(clone));
}

static struct kunit_case icmp_vip_rewrite_cases[] = {
	KUNIT_CASE(icmp_vip_rewrite4),
	KUNIT_CASE(icmp_vip_rewrite4_addresses),
	KUNIT_CASE(icmp_vip_rewrite4_cloned),
	KUNIT_CASE(icmp_vip_rewrite6),
	KUNIT_CASE(icmp_vip_rewrite6_odd),
	KUNIT_CASE(icmp_vip_rewrite6_nonlinear),
	KUNIT_CASE(icmp_vip_rewrite6_cloned),
	{}
};

static struct kunit_suite icmp_vip_rewrite_suite = {
	.name = "ip_vs_icmp_vip_rewrite",
	.init = icmp_vip_init,
	.exit = icmp_vip_exit,
	.test_cases = icmp_vip_rewrite_cases,
};

/*
 * A small datagram is quoted whole: wrong header fields, a checksum over
 * the wrong length or a quote taken from the transport header would each
 * make the client ignore the error.
 */
static void icmp_vip_build4_small(struct kunit *test)
{
	struct sk_buff *orig = icmp_vip_udp4(test, 5, 5, CPORT);
	struct ip_vs_icmp_vip_err e;
	const struct icmphdr *ic;
	const struct iphdr *iph;
	struct sk_buff *err;

	err = icmp_vip_own(test, ip_vs_icmp_vip_build4(orig, VIP4, CLIENT4,
						       0xc0, 64, 1500, 16));
	iph = ip_hdr(err);
	KUNIT_EXPECT_EQ(test, (int)iph->version, 4);
	KUNIT_EXPECT_EQ(test, (int)iph->ihl, 5);
	KUNIT_EXPECT_EQ(test, iph->tos, 0xc0);
	KUNIT_EXPECT_EQ(test, iph->ttl, 64);
	KUNIT_EXPECT_EQ(test, iph->protocol, IPPROTO_ICMP);
	KUNIT_EXPECT_EQ(test, iph->frag_off, 0);
	KUNIT_EXPECT_EQ(test, iph->saddr, VIP4);
	KUNIT_EXPECT_EQ(test, iph->daddr, CLIENT4);
	KUNIT_EXPECT_EQ(test, ntohs(iph->tot_len), err->len);
	KUNIT_EXPECT_EQ(test, err->len, 20 + 8 + orig->len);
	KUNIT_EXPECT_EQ(test, err->protocol, htons(ETH_P_IP));
	KUNIT_EXPECT_GE(test, skb_headroom(err), 16);
	KUNIT_EXPECT_EQ(test, 0, icmp_vip_ip_csum(err));
	KUNIT_EXPECT_EQ(test, 0, icmp_vip_icmp4_csum(err));
	ic = (const struct icmphdr *)(err->data + 20);
	KUNIT_EXPECT_EQ(test, ic->type, ICMP_DEST_UNREACH);
	KUNIT_EXPECT_EQ(test, ic->code, ICMP_PORT_UNREACH);
	KUNIT_EXPECT_EQ(test, ic->un.gateway, 0);
	icmp_vip_expect_quote(test, err, 28, orig, orig->len);
	/* What the output hook will find in it. */
	KUNIT_ASSERT_EQ(test, 0, ip_vs_icmp_vip_parse(err, AF_INET, &e));
	KUNIT_EXPECT_EQ(test, e.quote_off, 28);
	KUNIT_EXPECT_EQ(test, e.quote_len, orig->len);
}

/*
 * A big datagram is cut so that the error is 576 bytes (RFC 1812 4.3.2.3),
 * and the checksum covers exactly what was kept.
 */
static void icmp_vip_build4_576(struct kunit *test)
{
	struct sk_buff *orig = icmp_vip_udp4(test, 1400, 5, CPORT);
	struct sk_buff *err;

	err = icmp_vip_own(test, ip_vs_icmp_vip_build4(orig, VIP4, CLIENT4,
						       0xc0, 64, 1500, 0));
	KUNIT_EXPECT_EQ(test, err->len, IP_VS_ICMP_VIP_MAX_LEN);
	KUNIT_EXPECT_EQ(test, ntohs(ip_hdr(err)->tot_len), 576);
	KUNIT_EXPECT_EQ(test, 0, icmp_vip_ip_csum(err));
	KUNIT_EXPECT_EQ(test, 0, icmp_vip_icmp4_csum(err));
	icmp_vip_expect_quote(test, err, 28, orig, 576 - 28);
}

/*
 * A route MTU under 576 bounds the error too; an MTU that leaves no room
 * for the quoted IP header gives no error at all (as icmp_send()).
 */
static void icmp_vip_build4_mtu(struct kunit *test)
{
	struct sk_buff *orig = icmp_vip_udp4(test, 200, 5, CPORT);
	struct sk_buff *err;

	err = icmp_vip_own(test, ip_vs_icmp_vip_build4(orig, VIP4, CLIENT4,
						       0xc0, 64, 100, 0));
	KUNIT_EXPECT_EQ(test, err->len, 100);
	KUNIT_EXPECT_EQ(test, 0, icmp_vip_icmp4_csum(err));
	icmp_vip_expect_quote(test, err, 28, orig, 72);
	KUNIT_EXPECT_NULL(test, ip_vs_icmp_vip_build4(orig, VIP4, CLIENT4,
						      0xc0, 64, 48, 0));
}

/*
 * The original packet with options and its payload in a page fragment: the
 * quote starts at the IP header (options included) and is read across
 * fragments.
 */
static void icmp_vip_build4_nonlinear(struct kunit *test)
{
	struct sk_buff *orig = icmp_vip_udp4(test, 100, 7, CPORT);
	struct sk_buff *nl, *err;
	struct page *page;
	unsigned int head = 28 + 8;

	nl = icmp_vip_own(test, alloc_skb(head, GFP_KERNEL));
	skb_reset_network_header(nl);
	skb_put_data(nl, orig->data, head);
	page = alloc_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, page);
	memcpy(page_address(page), orig->data + head, orig->len - head);
	skb_add_rx_frag(nl, 0, page, 0, orig->len - head, PAGE_SIZE);

	err = icmp_vip_own(test, ip_vs_icmp_vip_build4(nl, VIP4, CLIENT4,
						       0xc0, 64, 1500, 0));
	KUNIT_EXPECT_EQ(test, err->len, 28 + orig->len);
	KUNIT_EXPECT_EQ(test, 0, icmp_vip_icmp4_csum(err));
	icmp_vip_expect_quote(test, err, 28, orig, orig->len);
}

static struct kunit_case icmp_vip_build_cases[] = {
	KUNIT_CASE(icmp_vip_build4_small),
	KUNIT_CASE(icmp_vip_build4_576),
	KUNIT_CASE(icmp_vip_build4_mtu),
	KUNIT_CASE(icmp_vip_build4_nonlinear),
	{}
};

static struct kunit_suite icmp_vip_build_suite = {
	.name = "ip_vs_icmp_vip_build",
	.init = icmp_vip_init,
	.exit = icmp_vip_exit,
	.test_cases = icmp_vip_build_cases,
};

/* ip_vs_icmp_vip_parse() of an error (@type, @code) about @o. */
static int icmp_vip_parse_err4(struct kunit *test, struct sk_buff *o,
			       u8 type, u8 code)
{
	struct ip_vs_icmp_vip_err e;

	return ip_vs_icmp_vip_parse(icmp_vip_err4(test, o, DIR4, type, code),
				    AF_INET, &e);
}

static int icmp_vip_parse_err6(struct kunit *test, struct sk_buff *o,
			       u8 type, u8 code)
{
	struct ip_vs_icmp_vip_err e;
	struct sk_buff *err;

	err = icmp_vip_err6(test, o, &dir6, type, code, false);
	return ip_vs_icmp_vip_parse(err, AF_INET6, &e);
}

/*
 * Only port unreachable errors are IPVS's: rewriting a host unreachable, a
 * time exceeded or an echo reply would change errors IPVS never sends.
 */
static void icmp_vip_parse_types(struct kunit *test)
{
	struct sk_buff *o4 = icmp_vip_udp4(test, 8, 5, CPORT);
	struct sk_buff *o6 = icmp_vip_udp6(test, 8, CPORT);
	struct ip_vs_icmp_vip_err e;
	union nf_inet_addr a;
	struct sk_buff *err;

	KUNIT_EXPECT_EQ(test, 0, icmp_vip_parse_err4(test, o4,
						     ICMP_DEST_UNREACH,
						     ICMP_PORT_UNREACH));
	KUNIT_EXPECT_EQ(test, -EINVAL, icmp_vip_parse_err4(test, o4,
							   ICMP_DEST_UNREACH,
							   ICMP_HOST_UNREACH));
	KUNIT_EXPECT_EQ(test, -EINVAL, icmp_vip_parse_err4(test, o4,
							   ICMP_TIME_EXCEEDED,
							   0));
	KUNIT_EXPECT_EQ(test, -EINVAL, icmp_vip_parse_err4(test, o4,
							   ICMP_ECHOREPLY, 0));
	KUNIT_EXPECT_EQ(test, 0, icmp_vip_parse_err6(test, o6,
						     ICMPV6_DEST_UNREACH,
						     ICMPV6_PORT_UNREACH));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			icmp_vip_parse_err6(test, o6, ICMPV6_DEST_UNREACH,
					    ICMPV6_ADDR_UNREACH));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			icmp_vip_parse_err6(test, o6, ICMPV6_TIME_EXCEED, 0));
	/* The quoted destination, also from a quote in a page fragment. */
	err = icmp_vip_err6(test, o6, &dir6, ICMPV6_DEST_UNREACH,
			    ICMPV6_PORT_UNREACH, true);
	KUNIT_ASSERT_EQ(test, 0, ip_vs_icmp_vip_parse(err, AF_INET6, &e));
	KUNIT_ASSERT_EQ(test, 0, ip_vs_icmp_vip_quoted_daddr(err, AF_INET6,
							     &e, &a));
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&a.in6, &vip6));
	err = icmp_vip_err4(test, o4, DIR4, ICMP_DEST_UNREACH,
			    ICMP_PORT_UNREACH);
	KUNIT_ASSERT_EQ(test, 0, ip_vs_icmp_vip_parse(err, AF_INET, &e));
	KUNIT_ASSERT_EQ(test, 0, ip_vs_icmp_vip_quoted_daddr(err, AF_INET,
							     &e, &a));
	KUNIT_EXPECT_EQ(test, a.ip, VIP4);
	/* Not ICMP at all. */
	KUNIT_EXPECT_EQ(test, -EINVAL, ip_vs_icmp_vip_parse(o4, AF_INET, &e));
	KUNIT_EXPECT_EQ(test, -EINVAL, ip_vs_icmp_vip_parse(o6, AF_INET6, &e));
}

/*
 * Truncated or fragmented errors are left alone: reading the quoted
 * destination past the end, or rewriting one fragment of an error, would
 * corrupt it.
 */
static void icmp_vip_parse_short(struct kunit *test)
{
	struct sk_buff *o4 = icmp_vip_udp4(test, 8, 5, CPORT);
	struct ip_vs_icmp_vip_err e;
	struct sk_buff *err;

	err = icmp_vip_err4(test, o4, DIR4, ICMP_DEST_UNREACH,
			    ICMP_PORT_UNREACH);
	skb_trim(err, 20 + 8 + 20 + 7);
	KUNIT_EXPECT_EQ(test, -EINVAL, ip_vs_icmp_vip_parse(err, AF_INET, &e));
	err = icmp_vip_err4(test, o4, DIR4, ICMP_DEST_UNREACH,
			    ICMP_PORT_UNREACH);
	ip_hdr(err)->frag_off = htons(IP_MF);
	KUNIT_EXPECT_EQ(test, -EINVAL, ip_vs_icmp_vip_parse(err, AF_INET, &e));
	err = icmp_vip_err4(test, o4, DIR4, ICMP_DEST_UNREACH,
			    ICMP_PORT_UNREACH);
	skb_trim(err, 20 + 4);
	KUNIT_EXPECT_EQ(test, -EINVAL, ip_vs_icmp_vip_parse(err, AF_INET, &e));
}

/*
 * RFC 1122 3.2.2: never an error about a link-level broadcast, an IP
 * broadcast or multicast, a non-first fragment, an ICMP error, or to a
 * source that names no single host; ICMP queries may be answered.
 */
static void icmp_vip_may_answer4(struct kunit *test)
{
	struct sk_buff *skb = icmp_vip_udp4(test, 8, 5, CPORT);
	struct iphdr *iph = ip_hdr(skb);
	struct iphdr saved = *iph;
	struct icmphdr *ic;

	KUNIT_EXPECT_TRUE(test, ip_vs_icmp_vip_may_answer4(skb));
	skb->pkt_type = PACKET_BROADCAST;
	KUNIT_EXPECT_FALSE(test, ip_vs_icmp_vip_may_answer4(skb));
	skb->pkt_type = PACKET_MULTICAST;
	KUNIT_EXPECT_FALSE(test, ip_vs_icmp_vip_may_answer4(skb));
	skb->pkt_type = PACKET_HOST;
	iph->daddr = htonl(0xe0000001);
	KUNIT_EXPECT_FALSE(test, ip_vs_icmp_vip_may_answer4(skb));
	iph->daddr = htonl(INADDR_BROADCAST);
	KUNIT_EXPECT_FALSE(test, ip_vs_icmp_vip_may_answer4(skb));
	*iph = saved;
	iph->saddr = 0;
	KUNIT_EXPECT_FALSE(test, ip_vs_icmp_vip_may_answer4(skb));
	iph->saddr = htonl(0xe0000005);
	KUNIT_EXPECT_FALSE(test, ip_vs_icmp_vip_may_answer4(skb));
	*iph = saved;
	iph->frag_off = htons(1);
	KUNIT_EXPECT_FALSE(test, ip_vs_icmp_vip_may_answer4(skb));
	iph->frag_off = htons(IP_MF);	/* the first fragment may be */
	KUNIT_EXPECT_TRUE(test, ip_vs_icmp_vip_may_answer4(skb));
	*iph = saved;
	iph->protocol = IPPROTO_ICMP;
	ic = (struct icmphdr *)(skb->data + 20);
	ic->type = ICMP_DEST_UNREACH;
	KUNIT_EXPECT_FALSE(test, ip_vs_icmp_vip_may_answer4(skb));
	ic->type = ICMP_TIME_EXCEEDED;
	KUNIT_EXPECT_FALSE(test, ip_vs_icmp_vip_may_answer4(skb));
	ic->type = 200;			/* unknown: treated as an error */
	KUNIT_EXPECT_FALSE(test, ip_vs_icmp_vip_may_answer4(skb));
	ic->type = ICMP_ECHO;
	KUNIT_EXPECT_TRUE(test, ip_vs_icmp_vip_may_answer4(skb));
}

/*
 * The snapshot is what tells IPVS's error from others: it must match the
 * error about the very packet, and not one about a packet from another
 * client port, to another address, or a quote too short to compare.
 */
static void icmp_vip_snap(struct kunit *test)
{
	struct ip_vs_icmp_vip_snap *s = kunit_kzalloc(test, sizeof(*s),
						      GFP_KERNEL);
	struct sk_buff *a = icmp_vip_udp4(test, 8, 5, CPORT);
	struct sk_buff *b = icmp_vip_udp4(test, 8, 5, cpu_to_be16(40002));
	struct sk_buff *a6 = icmp_vip_udp6(test, 8, CPORT);
	struct sk_buff *b6 = icmp_vip_udp6(test, 8, cpu_to_be16(40002));
	struct ip_vs_icmp_vip_err e;
	struct sk_buff *err;

	KUNIT_ASSERT_NOT_NULL(test, s);
	ip_vs_icmp_vip_snap_take(s, a, &init_net, AF_INET);
	KUNIT_EXPECT_EQ(test, s->state, IP_VS_ICMP_VIP_ARMED);
	KUNIT_EXPECT_EQ(test, s->len, 28);
	KUNIT_EXPECT_EQ(test, s->af, AF_INET);
	err = icmp_vip_err4(test, a, DIR4, ICMP_DEST_UNREACH,
			    ICMP_PORT_UNREACH);
	KUNIT_ASSERT_EQ(test, 0, ip_vs_icmp_vip_parse(err, AF_INET, &e));
	KUNIT_EXPECT_TRUE(test, ip_vs_icmp_vip_snap_match(s, err, &e));
	err = icmp_vip_err4(test, b, DIR4, ICMP_DEST_UNREACH,
			    ICMP_PORT_UNREACH);
	KUNIT_ASSERT_EQ(test, 0, ip_vs_icmp_vip_parse(err, AF_INET, &e));
	KUNIT_EXPECT_FALSE(test, ip_vs_icmp_vip_snap_match(s, err, &e));
	e.quote_len = 27;
	KUNIT_EXPECT_FALSE(test, ip_vs_icmp_vip_snap_match(s, err, &e));

	ip_vs_icmp_vip_snap_take(s, a6, &init_net, AF_INET6);
	KUNIT_EXPECT_EQ(test, s->len, 48);
	err = icmp_vip_err6(test, a6, &dir6, ICMPV6_DEST_UNREACH,
			    ICMPV6_PORT_UNREACH, true);
	KUNIT_ASSERT_EQ(test, 0, ip_vs_icmp_vip_parse(err, AF_INET6, &e));
	KUNIT_EXPECT_TRUE(test, ip_vs_icmp_vip_snap_match(s, err, &e));
	err = icmp_vip_err6(test, b6, &dir6, ICMPV6_DEST_UNREACH,
			    ICMPV6_PORT_UNREACH, false);
	KUNIT_ASSERT_EQ(test, 0, ip_vs_icmp_vip_parse(err, AF_INET6, &e));
	KUNIT_EXPECT_FALSE(test, ip_vs_icmp_vip_snap_match(s, err, &e));
}

/*
 * IPv4 options: the snapshot covers the whole header (options included)
 * plus 8 bytes, so two packets that differ only in their ports still
 * differ in the snapshot.
 */
static void icmp_vip_snap_options(struct kunit *test)
{
	struct ip_vs_icmp_vip_snap *s = kunit_kzalloc(test, sizeof(*s),
						      GFP_KERNEL);
	struct sk_buff *a = icmp_vip_udp4(test, 8, 15, CPORT);
	struct sk_buff *b = icmp_vip_udp4(test, 8, 15, cpu_to_be16(40002));
	struct ip_vs_icmp_vip_err e;
	struct sk_buff *err;

	KUNIT_ASSERT_NOT_NULL(test, s);
	ip_vs_icmp_vip_snap_take(s, a, &init_net, AF_INET);
	KUNIT_EXPECT_EQ(test, s->len, 68);
	err = icmp_vip_err4(test, b, DIR4, ICMP_DEST_UNREACH,
			    ICMP_PORT_UNREACH);
	KUNIT_ASSERT_EQ(test, 0, ip_vs_icmp_vip_parse(err, AF_INET, &e));
	KUNIT_EXPECT_FALSE(test, ip_vs_icmp_vip_snap_match(s, err, &e));
	err = icmp_vip_err4(test, a, DIR4, ICMP_DEST_UNREACH,
			    ICMP_PORT_UNREACH);
	KUNIT_ASSERT_EQ(test, 0, ip_vs_icmp_vip_parse(err, AF_INET, &e));
	KUNIT_EXPECT_TRUE(test, ip_vs_icmp_vip_snap_match(s, err, &e));
}

static struct kunit_case icmp_vip_classify_cases[] = {
	KUNIT_CASE(icmp_vip_parse_types),
	KUNIT_CASE(icmp_vip_parse_short),
	KUNIT_CASE(icmp_vip_may_answer4),
	KUNIT_CASE(icmp_vip_snap),
	KUNIT_CASE(icmp_vip_snap_options),
	{}
};

static struct kunit_suite icmp_vip_classify_suite = {
	.name = "ip_vs_icmp_vip_classify",
	.init = icmp_vip_init,
	.exit = icmp_vip_exit,
	.test_cases = icmp_vip_classify_cases,
};

/*
 * A stand-in for a local input route (never released through the dst
 * machinery: the skbs hold it as a noref route and drop it by hand).
 */
static struct rtable *icmp_vip_fake_rt(struct kunit *test, bool input)
{
	struct rtable *rt = kunit_kzalloc(test, sizeof(*rt), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, rt);
	rt->dst.dev = init_net.loopback_dev;
	rt->rt_flags = RTCF_LOCAL | RTCF_DIRECTSRC;
	rt->rt_type = RTN_LOCAL;
	rt->rt_is_input = input;
	rt->rt_iif = 7;
	rt->rt_pmtu = 1400;
	return rt;
}

static struct sk_buff *icmp_vip_routed(struct kunit *test, struct rtable *rt)
{
	struct sk_buff *skb = icmp_vip_udp4(test, 16, 5, CPORT);

	skb->_skb_refdst = (unsigned long)&rt->dst | SKB_DST_NOREF;
	return skb;
}

/* Drop the stand-in before the fixture frees the skb (a noref route: an
 * aborted case leaves nothing to release but the copy, which is real).
 */
static void icmp_vip_unroute(struct sk_buff *skb)
{
	skb->_skb_refdst = 0;
}

/*
 * Catches: a copy that keeps RTCF_LOCAL (icmp_send() still fails), loses
 * the device, input interface or other flags (the error would be routed or
 * rate limited as another packet's), or an own route that comes back
 * different (a counted reference for a noref one: leak or use after free).
 */
static void icmp_vip_dst_unlocal(struct kunit *test)
{
	struct rtable *rt = icmp_vip_fake_rt(test, true), *nrt;
	struct sk_buff *skb = icmp_vip_routed(test, rt);
	unsigned long own = skb->_skb_refdst;
	struct ip_vs_icmp_vip_dst_swap sw;

	rcu_read_lock();
	KUNIT_ASSERT_EQ(test, 0, ip_vs_icmp_vip_dst_unlocal(skb, &sw));
	nrt = skb_rtable(skb);
	KUNIT_EXPECT_PTR_NE(test, nrt, rt);
	KUNIT_EXPECT_FALSE(test, skb_dst_is_noref(skb));
	KUNIT_EXPECT_EQ(test, nrt->rt_flags, (unsigned int)RTCF_DIRECTSRC);
	KUNIT_EXPECT_EQ(test, nrt->rt_type, rt->rt_type);
	KUNIT_EXPECT_TRUE(test, rt_is_input_route(nrt));
	KUNIT_EXPECT_EQ(test, nrt->rt_iif, rt->rt_iif);
	KUNIT_EXPECT_EQ(test, (u32)nrt->rt_pmtu, (u32)rt->rt_pmtu);
	KUNIT_EXPECT_PTR_EQ(test, nrt->dst.dev, rt->dst.dev);
	KUNIT_EXPECT_EQ(test, sw.refdst, own);
	/* the stand-in itself is untouched */
	KUNIT_EXPECT_EQ(test, rt->rt_flags,
			(unsigned int)(RTCF_LOCAL | RTCF_DIRECTSRC));

	ip_vs_icmp_vip_dst_restore(skb, &sw);
	KUNIT_EXPECT_EQ(test, skb->_skb_refdst, own);
	KUNIT_EXPECT_PTR_EQ(test, skb_rtable(skb), rt);
	rcu_read_unlock();
	icmp_vip_unroute(skb);
}

/*
 * Catches: a restore that puts the old route back over a route something
 * else gave the packet meanwhile (IPVS forwarding it), or frees that one.
 */
static void icmp_vip_dst_rerouted(struct kunit *test)
{
	struct rtable *rt = icmp_vip_fake_rt(test, true);
	struct rtable *other = icmp_vip_fake_rt(test, true);
	struct sk_buff *skb = icmp_vip_routed(test, rt);
	struct ip_vs_icmp_vip_dst_swap sw;

	rcu_read_lock();
	KUNIT_ASSERT_EQ(test, 0, ip_vs_icmp_vip_dst_unlocal(skb, &sw));
	skb_dst_drop(skb);
	skb->_skb_refdst = (unsigned long)&other->dst | SKB_DST_NOREF;
	ip_vs_icmp_vip_dst_restore(skb, &sw);
	KUNIT_EXPECT_PTR_EQ(test, skb_rtable(skb), other);
	KUNIT_EXPECT_TRUE(test, skb_dst_is_noref(skb));
	KUNIT_EXPECT_EQ(test, sw.refdst, 0UL);
	rcu_read_unlock();
	icmp_vip_unroute(skb);
}

/* Catches: a copy lent to a packet that was not received (output route). */
static void icmp_vip_dst_not_input(struct kunit *test)
{
	struct rtable *rt = icmp_vip_fake_rt(test, false);
	struct sk_buff *skb = icmp_vip_routed(test, rt);
	unsigned long own = skb->_skb_refdst;
	struct ip_vs_icmp_vip_dst_swap sw;

	rcu_read_lock();
	KUNIT_EXPECT_EQ(test, -EINVAL, ip_vs_icmp_vip_dst_unlocal(skb, &sw));
	KUNIT_EXPECT_EQ(test, skb->_skb_refdst, own);
	rcu_read_unlock();
	icmp_vip_unroute(skb);
}

/*
 * Catches: IPVS no longer scheduling through the conn_schedule of the
 * descriptors ip_vs_proto_get() returns, or the module not wrapping them
 * (module parameter stock_schedulers, on by default): stock schedulers'
 * IPv4 errors from a non-local VIP would silently be gone again. With
 * stock_schedulers=N there is no wrap to check.
 */
static void icmp_vip_wraps_ipvs(struct kunit *test)
{
	static const u16 protos[] = { IPPROTO_UDP, IPPROTO_TCP, IPPROTO_SCTP };
	struct ip_vs_protocol *pp;
	int i;

	if (!ip_vs_icmp_vip_wrap_wanted())
		kunit_skip(test, "ip_vs_icmp_vip loaded with stock_schedulers=N");
	for (i = 0; i < ARRAY_SIZE(protos); i++) {
		pp = ip_vs_proto_get(protos[i]);
		if (!pp && protos[i] == IPPROTO_SCTP)
			continue;	/* CONFIG_IP_VS_PROTO_SCTP=n */
		KUNIT_ASSERT_NOT_NULL(test, pp);
		KUNIT_EXPECT_PTR_EQ(test, (void *)pp->conn_schedule,
				    (void *)ip_vs_icmp_vip_conn_schedule);
	}
}

static struct kunit_case icmp_vip_route_cases[] = {
	KUNIT_CASE(icmp_vip_dst_unlocal),
	KUNIT_CASE(icmp_vip_dst_rerouted),
	KUNIT_CASE(icmp_vip_dst_not_input),
	KUNIT_CASE(icmp_vip_wraps_ipvs),
	{}
};

static struct kunit_suite icmp_vip_route_suite = {
	.name = "ip_vs_icmp_vip_route",
	.init = icmp_vip_init,
	.exit = icmp_vip_exit,
	.test_cases = icmp_vip_route_cases,
};

/*
 * Catches: own rate limits (kernels that do not export theirs) that let
 * everything through, ignore icmp_msgs_burst, refill more often than every
 * HZ/50 or by more than a second's worth, or never refill.
 */
static void icmp_vip_limit_global(struct kunit *test)
{
	struct ip_vs_icmp_vip_limit *l = kunit_kzalloc(test, sizeof(*l),
							GFP_KERNEL);
	unsigned long t = jiffies;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, l);
	ip_vs_icmp_vip_limit_init(l, t);
	/* A second since the last refill: 1000 credits, capped at 50. */
	KUNIT_EXPECT_TRUE(test, ip_vs_icmp_vip_limit_global(l, t, 1000, 50));
	KUNIT_EXPECT_EQ(test, atomic_read(&l->credit), 50);
	for (i = 0; i < 25; i++) {
		KUNIT_EXPECT_TRUE(test, ip_vs_icmp_vip_limit_global(l, t, 1000, 50));
		ip_vs_icmp_vip_limit_consume(l, 2);
	}
	KUNIT_EXPECT_FALSE(test, ip_vs_icmp_vip_limit_global(l, t, 1000, 50));
	/* Too soon for a refill, however high the rate. */
	KUNIT_EXPECT_FALSE(test, ip_vs_icmp_vip_limit_global(l, t + HZ / 50 - 1,
							     100000, 50));
	/* A fiftieth of a second at 1000/s: 20 credits. */
	KUNIT_EXPECT_TRUE(test, ip_vs_icmp_vip_limit_global(l, t + HZ / 50,
							    1000, 50));
	KUNIT_EXPECT_EQ(test, atomic_read(&l->credit), 1000 * (HZ / 50) / HZ);
	ip_vs_icmp_vip_limit_consume(l, 1000);
	/* A long pause refills no more than a second's worth. */
	KUNIT_EXPECT_TRUE(test, ip_vs_icmp_vip_limit_global(l, t + 60 * HZ,
							    10, 5000));
	KUNIT_EXPECT_EQ(test, atomic_read(&l->credit),
			1000 * (HZ / 50) / HZ - 1000 + 10);
	/* icmp_msgs_per_sec 0: nothing once the credit is gone. */
	KUNIT_EXPECT_FALSE(test, ip_vs_icmp_vip_limit_global(l, t + 120 * HZ,
							     0, 50));
}

/*
 * Catches: own per-destination limits that let a burst of more than six
 * icmp_ratelimit intervals through, never refill, let one destination
 * spend another's budget, or limit when icmp_ratelimit is 0.
 */
static void icmp_vip_limit_peer(struct kunit *test)
{
	struct ip_vs_icmp_vip_limit *l = kunit_kzalloc(test, sizeof(*l),
							GFP_KERNEL);
	__be32 a = htonl(0x0a000102), b;
	unsigned long t = jiffies;
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, l);
	ip_vs_icmp_vip_limit_init(l, t);
	/* a second destination in another slot */
	for (i = 3; i < 1000; i++) {
		b = htonl(0x0a000100 + i);
		if (jhash_1word((__force u32)a, l->seed) %
		    IP_VS_ICMP_VIP_PEER_SLOTS !=
		    jhash_1word((__force u32)b, l->seed) %
		    IP_VS_ICMP_VIP_PEER_SLOTS)
			break;
	}
	for (i = 0; i < 6; i++)
		KUNIT_EXPECT_TRUE(test, ip_vs_icmp_vip_limit_peer(l, a, t, HZ));
	KUNIT_EXPECT_FALSE(test, ip_vs_icmp_vip_limit_peer(l, a, t, HZ));
	KUNIT_EXPECT_FALSE(test, ip_vs_icmp_vip_limit_peer(l, a, t + HZ - 1,
							   HZ));
	KUNIT_EXPECT_TRUE(test, ip_vs_icmp_vip_limit_peer(l, a, t + 2 * HZ - 1,
							  HZ));
	KUNIT_EXPECT_FALSE(test, ip_vs_icmp_vip_limit_peer(l, a, t + 2 * HZ - 1,
							   HZ));
	KUNIT_EXPECT_TRUE(test, ip_vs_icmp_vip_limit_peer(l, b, t, HZ));
	KUNIT_EXPECT_TRUE(test, ip_vs_icmp_vip_limit_peer(l, a, t, 0));
}

static struct kunit_case icmp_vip_limit_cases[] = {
	KUNIT_CASE(icmp_vip_limit_global),
	KUNIT_CASE(icmp_vip_limit_peer),
	{}
};

static struct kunit_suite icmp_vip_limit_suite = {
	.name = "ip_vs_icmp_vip_limit",
	.test_cases = icmp_vip_limit_cases,
};

kunit_test_suites(&icmp_vip_rewrite_suite, &icmp_vip_build_suite,
		  &icmp_vip_classify_suite, &icmp_vip_route_suite,
		  &icmp_vip_limit_suite);

IPVS_UDP_IMPORT_KUNIT_NS();
MODULE_DESCRIPTION("KUnit tests for the packet work of ip_vs_icmp_vip");
MODULE_LICENSE("GPL");
