package dev.hamonitoring.analysis;

import dev.hamonitoring.analysis.model.StackModel;
import dev.hamonitoring.analysis.network.CommunicationGraph;
import dev.hamonitoring.analysis.network.NetworkAudit;
import dev.hamonitoring.analysis.topology.FailureAnalysis;
import dev.hamonitoring.analysis.topology.Topology;

/**
 * What every check reads: the rendered stack, the topology it is analysed on and the names
 * declared external. The communication graph and the failure analysis are computed once, on
 * first use.
 */
public final class AnalysisContext {

    private final StackModel stack;
    private final Topology topology;
    private final ExternalNames externals;
    private final String operatorNamespace;
    private CommunicationGraph graph;
    private NetworkAudit networkAudit;
    private FailureAnalysis failures;

    /** The CloudNativePG operator's namespace when none is given (the operator's own default). */
    public static final String DEFAULT_OPERATOR_NAMESPACE = "cnpg-system";

    public AnalysisContext(StackModel stack, Topology topology, ExternalNames externals, String operatorNamespace) {
        this.stack = stack;
        this.topology = topology;
        this.externals = externals;
        this.operatorNamespace = operatorNamespace;
    }

    /** Where the CloudNativePG operator runs (it must reach the instance pods). */
    public String operatorNamespace() {
        return operatorNamespace;
    }

    public StackModel stack() {
        return stack;
    }

    public Topology topology() {
        return topology;
    }

    public ExternalNames externals() {
        return externals;
    }

    public synchronized CommunicationGraph graph() {
        if (graph == null) {
            graph = CommunicationGraph.derive(stack);
        }
        return graph;
    }

    public synchronized NetworkAudit networkAudit() {
        if (networkAudit == null) {
            networkAudit = NetworkAudit.run(stack, graph(), operatorNamespace);
        }
        return networkAudit;
    }

    public synchronized FailureAnalysis failures() {
        if (failures == null) {
            failures = FailureAnalysis.run(stack, topology);
        }
        return failures;
    }
}
