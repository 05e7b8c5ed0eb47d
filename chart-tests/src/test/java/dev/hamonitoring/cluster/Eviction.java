package dev.hamonitoring.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code POST /api/v1/namespaces/<ns>/pods/<name>/eviction}, answering the HTTP status and the
 * apiserver's message (fabric8's {@code evict()} only says true/false). 201: evicted; 429: a
 * PodDisruptionBudget refused it ("Cannot evict pod as it would violate the pod's disruption
 * budget"); 404: no such pod.
 */
public final class Eviction {

    /**
     * The apiserver's answer.
     *
     * @param code HTTP status
     * @param body the response body (an Eviction on success, a Status otherwise)
     */
    public record Answer(int code, String body) {
        public boolean evicted() {
            return code == 200 || code == 201;
        }

        public boolean refusedByBudget() {
            return code == 429;
        }
    }

    private Eviction() {}

    public static Answer evict(KubernetesClient client, String namespace, String pod) {
        String url = client.getMasterUrl().toString().replaceAll("/+$", "") + "/api/v1/namespaces/" + namespace
                + "/pods/" + pod + "/eviction";
        String body = "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"" + pod
                + "\",\"namespace\":\"" + namespace + "\"}}";
        HttpRequest request = client.getHttpClient()
                .newHttpRequestBuilder()
                .uri(url)
                .post("application/json", body)
                .build();
        try {
            HttpResponse<String> response =
                    client.getHttpClient().sendAsync(request, String.class).get(30, TimeUnit.SECONDS);
            return new Answer(response.code(), response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted evicting " + namespace + "/" + pod, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("eviction request for " + namespace + "/" + pod + " failed: " + e, e);
        }
    }
}
