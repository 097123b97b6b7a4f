/**
 * GEMM on jdsm: distributed Strassen multiplication of tiled {@code int} and {@code double} matrices
 * ({@link org.jdsm.apps.gemm.DistributedGemm}), its single-machine ForkJoin baseline
 * ({@link org.jdsm.apps.gemm.BaselineGemm}) and the launcher application {@code gemm}
 * ({@link org.jdsm.apps.gemm.GemmApplication}). Start with {@link org.jdsm.apps.gemm.GemmPlan}.
 */
package org.jdsm.apps.gemm;
