package dev.hamonitoring.analysis.topology;

import java.util.List;
import java.util.Map;

/**
 * A node of the cluster the release is analysed on.
 *
 * @param name node name (also its kubernetes.io/hostname label)
 * @param zone its topology.kubernetes.io/zone
 * @param labels all its labels, hostname and zone included
 * @param taints its taints
 */
public record Node(String name, String zone, Map<String, String> labels, List<Taint> taints) {}
