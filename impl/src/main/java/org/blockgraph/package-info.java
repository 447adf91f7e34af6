/**
 * blockgraph: a virtual-disk block layer whose hard mechanisms are specified in TLA+ (see {@code spec/}) and
 * implemented here.
 */
package org.blockgraph;
