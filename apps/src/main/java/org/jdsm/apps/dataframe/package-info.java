/**
 * DataFrame on jdsm: a columnar group-by engine whose columns are chunks spread over the nodes and whose work runs
 * where the chunks live ({@link org.jdsm.apps.dataframe.DistributedEngine}), its single-machine baseline on plain
 * arrays ({@link org.jdsm.apps.dataframe.BaselineEngine}), the h2oai db-benchmark group-by data
 * ({@link org.jdsm.apps.dataframe.G1Generator}, {@link org.jdsm.apps.dataframe.CsvLoader}) and questions
 * ({@link org.jdsm.apps.dataframe.Queries}), and the launcher application {@code dataframe}. Start with
 * {@link org.jdsm.apps.dataframe.Query}.
 */
package org.jdsm.apps.dataframe;
