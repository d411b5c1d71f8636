/**
 * The notify role: item events pushed to WebSocket clients, resumable.
 *
 * <p>Client protocol, on {@code ws://host:<notify.port>/ws} (JSON text frames):
 * <pre>
 * connect     Authorization: Bearer &lt;token&gt;   or   /ws?token=&lt;token&gt;      bad/missing → HTTP 401 {error, message}
 * → {"op":"subscribe","users":["12","34"]}                                  (at most 1000 users per socket)
 * → {"op":"subscribe","users":["12","34"],"lastEventId":"1700000000000-3"}  (resume: the missed events first)
 * → {"op":"unsubscribe","users":["12"]}
 * ← {"op":"event","id":"1700000000123-0","type":"item.added","userid":"12","item":{…the item's JSON…}}
 * ← {"op":"event","id":"…","type":"item.edited","userid":"12","item":{…the item's JSON after the edit, "version":2…}}
 * ← {"op":"event","id":"…","type":"item.deleted","userid":"12","item":{"id":"99","userid":"12","ts":…}}
 * ← {"op":"subscribed","users":["12","34"]}                 (+ "resumed":true|false when lastEventId was given;
 *                                                              false: some missed events are gone — refetch)
 * ← {"op":"unsubscribed","users":["12"]}
 * ← {"op":"error","message":"…"}                             (a bad frame; the socket stays open)
 * close codes: 1001 server going away, 1008 token expired, 1013 too slow or events lost — reconnect and resume
 * </pre>
 * Event ids are global and ascend on a socket (except that a second subscribe with a lastEventId first replays
 * older events of its users). To resume, send the id of the last event frame received as {@code lastEventId},
 * within {@code notify.retentionSeconds} (default 300): no gap, no repeat.
 */
package io.gorgon.roles.notify;
