package dev.hamonitoring.schema;

import java.util.ArrayList;
import java.util.List;

/** A key path in values.yaml; keys containing dots are quoted when shown ({@code grafana."grafana.ini"}). */
final class ValuesPath {

    private final List<String> segments;

    private ValuesPath(List<String> segments) {
        this.segments = segments;
    }

    static ValuesPath root() {
        return new ValuesPath(List.of());
    }

    ValuesPath child(String key) {
        List<String> next = new ArrayList<>(segments);
        next.add(key);
        return new ValuesPath(List.copyOf(next));
    }

    ValuesPath index(int i) {
        List<String> next = new ArrayList<>(segments);
        int last = next.size() - 1;
        next.set(last, next.get(last) + "[" + i + "]");
        return new ValuesPath(List.copyOf(next));
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (String segment : segments) {
            if (text.length() > 0) {
                text.append('.');
            }
            boolean indexed = segment.matches(".*\\[\\d+]");
            String key = indexed ? segment.substring(0, segment.lastIndexOf('[')) : segment;
            text.append(key.contains(".") || key.isEmpty() ? "\"" + key + "\"" : key);
            if (indexed) {
                text.append(segment.substring(segment.lastIndexOf('[')));
            }
        }
        return text.length() == 0 ? "(root)" : text.toString();
    }
}
