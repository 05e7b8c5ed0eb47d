package dev.hamonitoring.analysis.model;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;

/** Kubernetes resource quantities as exact numbers (cores, bytes, counts). */
public final class Quantities {

    private static final BigDecimal MI = BigDecimal.valueOf(1024L * 1024L);
    private static final BigDecimal GI = MI.multiply(BigDecimal.valueOf(1024L));

    private Quantities() {}

    /** "500m" → 0.5, "2Gi" → 2147483648, "3" → 3. */
    public static BigDecimal parse(String quantity) {
        return Quantity.getAmountInBytes(new Quantity(quantity.trim()));
    }

    /** The amount of a fabric8 Quantity, or null. */
    public static BigDecimal amount(Quantity quantity) {
        return quantity == null ? null : Quantity.getAmountInBytes(quantity);
    }

    /** A readable form for one resource name: cores as "1500m", bytes as "12Gi"/"300Mi", counts as integers. */
    public static String format(String resource, BigDecimal amount) {
        if (resource.endsWith("cpu") || "cpu".equals(resource)) {
            return amount.multiply(BigDecimal.valueOf(1000))
                            .setScale(0, RoundingMode.CEILING)
                            .toPlainString() + "m";
        }
        if (resource.endsWith("memory") || resource.endsWith("storage") || "memory".equals(resource)) {
            if (amount.remainder(GI).signum() == 0) {
                return amount.divide(GI).toPlainString() + "Gi";
            }
            return amount.divide(MI, 0, RoundingMode.CEILING).toPlainString() + "Mi";
        }
        return amount.stripTrailingZeros().toPlainString();
    }
}
