package dev.hamonitoring.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Which FailedCreate events the cluster tests count as refusals")
class RefusalFilterTest {

    @Test
    @DisplayName("a quota that is exceeded and a PodSecurity violation are refusals")
    void refusals() {
        assertThat(
                        StackUnderTest.isRefusal(
                                "create Pod prod-redis-2 in StatefulSet prod-redis failed error: pods \"prod-redis-2\" is forbidden: "
                                        + "exceeded quota: prod-quota, requested: requests.cpu=500m, used: requests.cpu=13500m, limited: requests.cpu=13651m"))
                .isTrue();
        assertThat(StackUnderTest.isRefusal(
                        "Error creating: pods \"prod-grafana-5d8f\" is forbidden: violates PodSecurity \"restricted:latest\": "
                                + "allowPrivilegeEscalation != false"))
                .isTrue();
    }

    @Test
    @DisplayName("a write conflict on the quota object, which the controller retries, is not")
    void conflictIsRetried() {
        assertThat(
                        StackUnderTest.isRefusal(
                                "create Pod grow-redis-2 in StatefulSet grow-redis failed error: Operation cannot be fulfilled on "
                                        + "resourcequotas \"grow-quota\": the object has been modified; please apply your changes to the latest version and try again"))
                .isFalse();
    }

    @Test
    @DisplayName("a quota refusal names the hard limits it hit; other messages name none")
    void quotaLimits() {
        assertThat(
                        StackUnderTest.quotaLimits(
                                "create Pod prev-prometheus-1 in StatefulSet prev-prometheus failed error: pods \"prev-prometheus-1\" "
                                        + "is forbidden: exceeded quota: prev-quota, requested: limits.memory=16896Mi,requests.memory=8448Mi, used: "
                                        + "limits.memory=77440Mi,requests.memory=35648Mi, limited: limits.memory=92717Mi,requests.memory=41836Mi"))
                .containsExactly(
                        Map.entry("limits.memory", new Quantity("92717Mi")),
                        Map.entry("requests.memory", new Quantity("41836Mi")));
        assertThat(StackUnderTest.quotaLimits(
                        "Error creating: pods \"x\" is forbidden: violates PodSecurity \"restricted:latest\""))
                .isEmpty();
    }
}
