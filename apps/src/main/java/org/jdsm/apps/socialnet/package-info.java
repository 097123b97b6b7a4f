/**
 * SocialNet on jdsm: DeathStarBench's social network as services placed on the nodes of a cluster, which pass
 * references to posts and media instead of copies ({@link org.jdsm.apps.socialnet.DistributedSocialNet}), beside
 * the same services in one JVM with plain Java objects ({@link org.jdsm.apps.socialnet.BaselineSocialNet}) and the
 * launcher application {@code socialnet} ({@link org.jdsm.apps.socialnet.SocialNetApplication}). Start with
 * {@link org.jdsm.apps.socialnet.SocialNet}.
 */
package org.jdsm.apps.socialnet;
