/**
 * The transport SPI: what a network transport implements ({@link org.jdsm.spi.Transport}, found by name through
 * {@link org.jdsm.spi.TransportProvider}), how the engine is found ({@link org.jdsm.spi.EngineProvider}), and what
 * engine and transport share: a node's counters file ({@link org.jdsm.spi.CountersFile}, laid out as
 * {@link org.jdsm.spi.CountersFileDescriptor}, read from outside by {@link org.jdsm.spi.CountersFileReader}) and its
 * bounded error log ({@link org.jdsm.spi.DistinctErrorPrinter}). Start with {@link org.jdsm.spi.Transport}.
 */
package org.jdsm.spi;
