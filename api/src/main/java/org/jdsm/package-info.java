/**
 * The jdsm user API: start a node with {@link org.jdsm.Dsm#start(org.jdsm.DsmConfig)}, then allocate
 * {@link org.jdsm.DBox}es and borrow them with {@link org.jdsm.Ref} and {@link org.jdsm.Mut}.
 */
package org.jdsm;
