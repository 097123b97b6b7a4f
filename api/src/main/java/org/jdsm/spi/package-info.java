/**
 * The transport SPI: what a network transport implements ({@link org.jdsm.spi.Transport}, found by name through
 * {@link org.jdsm.spi.TransportProvider}), and how the engine is found ({@link org.jdsm.spi.EngineProvider}).
 * Start with {@link org.jdsm.spi.Transport}.
 */
package org.jdsm.spi;
