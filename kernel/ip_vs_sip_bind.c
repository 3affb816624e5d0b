// SPDX-License-Identifier: GPL-2.0
/*
 * IPVS "sip" scheduler: sticky Call-ID bindings.
 *
 * A per-service table binds each Call-ID to the real server its first
 * message went to, so that every later message of the call (requests,
 * responses and retransmissions, from any source address or port) reaches
 * the same server while that server is usable, even after the server set
 * changed and the consistent hash would now choose another one.
 *
 * Lifetime of a binding (RFC 3261 timers, T1 = 500 ms):
 *  - a non-INVITE transaction (REGISTER, OPTIONS, MESSAGE, ...) lives
 *    64*T1 = 32 s after its last message ("transaction_timeout");
 *  - an INVITE with no answer yet lives like a transaction (Timer B);
 *    once a provisional answer shows it ringing, "early_timeout" (180 s,
 *    Timer C) after its last message, so that a flood of unanswered
 *    INVITEs cannot hold bindings for long;
 *  - a confirmed dialog (2xx to the INVITE; SUBSCRIBE/REFER/NOTIFY
 *    dialogs) lives for the long idle "dialog_timeout" (30 min) after its
 *    last message;
 *  - BYE, CANCEL or a failure response to the INVITE end the dialog: the
 *    binding lingers "linger_timeout" (32 s) for retransmissions and final
 *    responses, without being refreshed, then goes. A new INVITE (after a
 *    401/407 challenge) or a 2xx from another fork brings it back.
 *
 * The binding table itself, its cap and its collector are the keyed
 * affinity core's (ip_vs_kaff_bind.c); this file is the SIP meaning of a
 * binding's state.
 */
#include <linux/kernel.h>
#include <kunit/visibility.h>

#include "ip_vs_sip.h"
#include "ip_vs_sip_rs.h"

/*
 * How long a binding in @state lives after message @m. An INVITE that has
 * had no answer yet lives like a transaction (Timer B, 64*T1); once a
 * provisional response shows the call is ringing, up to early_timeout
 * (a proxy's Timer C is more than 3 minutes).
 */
static unsigned long ip_vs_sip_timeout(const struct ip_vs_kaff_conf *c,
				       enum ip_vs_sip_state state,
				       const struct ip_vs_sip_msg *m)
{
	if (state == IP_VS_SIP_S_EARLY &&
	    !((m->flags & IP_VS_SIP_F_RESPONSE) && m->status < 200))
		state = IP_VS_SIP_S_TRANSACTION;
	return ip_vs_kaff_timeout(c, state);
}

/* Requests that create or live in a dialog (RFC 3261, 6665, 3515). */
static bool ip_vs_sip_dialog_method(u8 method)
{
	return method == IP_VS_SIP_M_SUBSCRIBE ||
	       method == IP_VS_SIP_M_REFER || method == IP_VS_SIP_M_NOTIFY;
}

/* The state a message moves a binding (in state @cur) to. */
static enum ip_vs_sip_state ip_vs_sip_next_state(enum ip_vs_sip_state cur,
						 const struct ip_vs_sip_msg *m)
{
	bool resp = m->flags & IP_VS_SIP_F_RESPONSE;

	if (cur == IP_VS_SIP_S_LINGER) {
		/*
		 * A failure response ends one INVITE attempt, not the call:
		 * the INVITE is sent again with credentials (401/407) or
		 * another branch of a forked INVITE answers.
		 */
		if (m->method == IP_VS_SIP_M_INVITE && !resp)
			return IP_VS_SIP_S_EARLY;
		if (m->method == IP_VS_SIP_M_INVITE && m->status >= 200 &&
		    m->status < 300)
			return IP_VS_SIP_S_DIALOG;
		return cur;
	}
	if (!resp) {
		/* CANCEL of a re-INVITE leaves the dialog (RFC 3261 9.1). */
		if (m->method == IP_VS_SIP_M_BYE ||
		    (m->method == IP_VS_SIP_M_CANCEL &&
		     cur != IP_VS_SIP_S_DIALOG))
			return IP_VS_SIP_S_LINGER;
		if (cur == IP_VS_SIP_S_TRANSACTION &&
		    m->method == IP_VS_SIP_M_INVITE)
			return IP_VS_SIP_S_EARLY;
		if (cur == IP_VS_SIP_S_TRANSACTION &&
		    ip_vs_sip_dialog_method(m->method))
			return IP_VS_SIP_S_DIALOG;
		return cur;
	}
	if (m->method == IP_VS_SIP_M_INVITE && cur == IP_VS_SIP_S_EARLY) {
		if (m->status >= 200 && m->status < 300)
			return IP_VS_SIP_S_DIALOG;
		/* A failed INVITE never became a dialog: keep it for the ACK. */
		if (m->status >= 300)
			return IP_VS_SIP_S_LINGER;
	}
	/*
	 * A call first seen through its answer (its INVITE went another way,
	 * or the real server started it): a provisional answer means ringing,
	 * a 2xx a confirmed dialog.
	 */
	if (m->method == IP_VS_SIP_M_INVITE &&
	    cur == IP_VS_SIP_S_TRANSACTION) {
		if (m->status >= 200 && m->status < 300)
			return IP_VS_SIP_S_DIALOG;
		if (m->status < 200)
			return IP_VS_SIP_S_EARLY;
	}
	return cur;
}

/* Refresh a binding's expiry for a message; racing writers are harmless. */
static void ip_vs_sip_touch(struct ip_vs_kaff_svc *s,
			    struct ip_vs_kaff_binding *b,
			    const struct ip_vs_sip_msg *m, unsigned long now)
{
	enum ip_vs_sip_state cur = READ_ONCE(b->state);
	enum ip_vs_sip_state next = ip_vs_sip_next_state(cur, m);

	if (next != cur) {
		WRITE_ONCE(b->state, next);
		ip_vs_kaff_set_expires(s, b,
				       now + ip_vs_sip_timeout(&s->conf, next, m));
		if (next == IP_VS_SIP_S_LINGER)
			this_cpu_inc(s->stats->cls[IP_VS_SIP_C_ENDED]);
	} else if (next != IP_VS_SIP_S_LINGER) {
		ip_vs_kaff_extend(b, now + ip_vs_sip_timeout(&s->conf, next, m));
	}
	ip_vs_kaff_used(b, now);
}

/* A new binding for message @m: its state and timeout. */
static void ip_vs_sip_req(struct ip_vs_kaff_req *r,
			  const struct ip_vs_kaff_conf *c,
			  const struct ip_vs_sip_msg *m, u64 hash)
{
	r->key = m->callid;
	r->len = m->callid_len;
	r->hash = hash;
	r->state = ip_vs_sip_next_state(IP_VS_SIP_S_TRANSACTION, m);
	r->timeout = ip_vs_sip_timeout(c, r->state, m);
}

/**
 * ip_vs_sip_bind - the server for a message with a Call-ID
 * @s: service state
 * @t: current placement table (RCU)
 * @m: the parsed message, with a Call-ID of at most IP_VS_SIP_CALLID_MAX
 * @hash: ip_vs_kaff_hash_key() of the Call-ID
 * @move_quiesced: move bindings off servers with weight 0 (default: drain)
 * @now: jiffies (a parameter so that tests control the clock)
 *
 * Under rcu_read_lock(); never sleeps; bounded work.
 *
 * Return: the server, or NULL when no server is usable.
 */
struct ip_vs_dest *ip_vs_sip_bind(struct ip_vs_kaff_svc *s,
				  const struct ip_vs_kaff_table *t,
				  const struct ip_vs_sip_msg *m, u64 hash,
				  bool move_quiesced, unsigned long now)
{
	struct ip_vs_kaff_binding *b;
	struct ip_vs_kaff_req r;
	struct ip_vs_dest *d;
	bool made;

	ip_vs_sip_req(&r, &s->conf, m, hash);
	d = ip_vs_kaff_bind(s, t, &r, move_quiesced, now, &b, &made);
	if (b)
		ip_vs_sip_touch(s, b, m, now);
	else if (made && r.state == IP_VS_SIP_S_LINGER)
		this_cpu_inc(s->stats->cls[IP_VS_SIP_C_ENDED]);
	return d;
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_sip_bind);

/**
 * ip_vs_sip_bind_rs - a request the real server @dest sends on its own
 * @s: service state
 * @t: current placement table (RCU)
 * @m: the parsed message, with a Call-ID of at most IP_VS_SIP_CALLID_MAX
 * @dest: the server that sent it
 * @now: jiffies
 *
 * In-dialog requests from a real server (BYE, re-INVITE, NOTIFY) and calls
 * it starts are legitimate when the Call-ID is the server's: bound to it,
 * or not bound at all (first seen from it, or its binding expired, or its
 * server left the service), in which case it is bound to @dest now, so
 * that the client's responses are scheduled back to @dest. A Call-ID bound
 * to another server of the service is not @dest's to use
 * (ip_vs_kaff_bind_rs()).
 *
 * Under rcu_read_lock(); never sleeps; bounded work.
 *
 * Return: IP_VS_SIP_RS_BOUND, _NEW, _OTHER, or _REFUSED (unbound and the
 * table is at its cap, or @dest is not in the table).
 */
int ip_vs_sip_bind_rs(struct ip_vs_kaff_svc *s,
		      const struct ip_vs_kaff_table *t,
		      const struct ip_vs_sip_msg *m, struct ip_vs_dest *dest,
		      unsigned long now)
{
	static const u8 verdict[] = {
		[IP_VS_KAFF_RS_BOUND]	= IP_VS_SIP_RS_BOUND,
		[IP_VS_KAFF_RS_NEW]	= IP_VS_SIP_RS_NEW,
		[IP_VS_KAFF_RS_OTHER]	= IP_VS_SIP_RS_OTHER,
		[IP_VS_KAFF_RS_REFUSED]	= IP_VS_SIP_RS_REFUSED,
	};
	struct ip_vs_kaff_binding *b;
	struct ip_vs_kaff_req r;
	int v;

	/* The placement hash is not needed: the binding hash is computed */
	ip_vs_sip_req(&r, &s->conf, m, 0);
	v = ip_vs_kaff_bind_rs(s, t, &r, dest, now, &b);
	if (b)
		ip_vs_sip_touch(s, b, m, now);
	else if (v == IP_VS_KAFF_RS_NEW && r.state == IP_VS_SIP_S_LINGER)
		this_cpu_inc(s->stats->cls[IP_VS_SIP_C_ENDED]);
	return verdict[v];
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_sip_bind_rs);

/**
 * ip_vs_sip_rs_decide - vouch for a datagram a real server sends itself
 * @s: service state
 * @t: current placement table (RCU)
 * @m: the parsed datagram, with a Call-ID
 * @dest: the server that sent it
 * @pinned: the service keeps bindings (not flag-3) and the Call-ID fits
 * @now: jiffies
 *
 * The binding decides (ip_vs_sip_bind_rs()) where there is one or one can
 * be made. Where none can (table at its cap, stateless service, Call-ID
 * too long), the consistent hash places the client's answers, so the
 * datagram is the server's when the hash picks the server. A response
 * that is still not vouched for answers a request the client sent to
 * this server: it is left to the request records (IP_VS_SIP_RS_RESPONSE),
 * which translate it when the request went this way, e.g. an INVITE that
 * reached a server before it was quiesced.
 *
 * Under rcu_read_lock(); never sleeps; bounded work.
 *
 * Return: enum ip_vs_sip_rs_verdict, never IP_VS_SIP_RS_REFUSED.
 */
int ip_vs_sip_rs_decide(struct ip_vs_kaff_svc *s,
			const struct ip_vs_kaff_table *t,
			const struct ip_vs_sip_msg *m, struct ip_vs_dest *dest,
			bool pinned, unsigned long now)
{
	int v = IP_VS_SIP_RS_REFUSED;

	if (pinned)
		v = ip_vs_sip_bind_rs(s, t, m, dest, now);
	if (v == IP_VS_SIP_RS_REFUSED)
		v = ip_vs_kaff_table_pick(t, ip_vs_kaff_hash_key(t, m->callid,
								 m->callid_len)) ==
		    dest ? IP_VS_SIP_RS_BOUND : IP_VS_SIP_RS_OTHER;
	if (v == IP_VS_SIP_RS_OTHER && (m->flags & IP_VS_SIP_F_RESPONSE))
		v = IP_VS_SIP_RS_RESPONSE;
	return v;
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_sip_rs_decide);
