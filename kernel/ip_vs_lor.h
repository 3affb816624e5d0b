/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internals of the IPVS "lor" scheduler visible to its KUnit suite.
 * Not a stable interface.
 */
#ifndef IP_VS_LOR_H
#define IP_VS_LOR_H

#include <linux/list.h>
#include <linux/types.h>
#include <net/ip_vs.h>

struct ip_vs_pe_reply_net;

/**
 * struct ip_vs_lor_cursor - where the weighted round robin among ties is
 * @addr: address of the real server picked last
 * @port: its port
 * @af: its family; 0 before the first pick (before every server)
 * @cw: the current pass's weight: servers with a weight of at least @cw
 *	take part in it (as in ip_vs_wrr.c); 0 before the first pick
 *
 * A position in the order of (af, address, port), not a pointer or a list
 * index: it stays meaningful whatever is added or removed, and two
 * services with the same servers and weights behave the same from the
 * same cursor, whatever order their servers were added in.
 */
struct ip_vs_lor_cursor {
	union nf_inet_addr	addr;
	__be16			port;
	u16			af;
	u32			cw;
};

struct ip_vs_dest *ip_vs_lor_pick(struct list_head *dests,
				  struct ip_vs_pe_reply_net *pn,
				  struct ip_vs_lor_cursor *c);

#endif /* IP_VS_LOR_H */
