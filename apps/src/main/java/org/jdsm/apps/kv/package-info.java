/**
 * The KV store application: {@link org.jdsm.apps.kv.DistributedKvStore} (a hash map on jdsm),
 * {@link org.jdsm.apps.kv.LocalKvStore} (its single-machine baseline), both behind {@link org.jdsm.apps.kv.KvStore};
 * the YCSB workload driver {@link org.jdsm.apps.kv.KvApplication} ({@code jdsm local --nodes N kv}) and the
 * {@code site.ycsb.DB} binding {@link org.jdsm.apps.kv.JdsmYcsbClient}. Start at {@link org.jdsm.apps.kv.KvStore}.
 */
package org.jdsm.apps.kv;
