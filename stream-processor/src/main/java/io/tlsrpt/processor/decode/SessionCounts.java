package io.tlsrpt.processor.decode;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Set;

/** Session counts are non-negative whole numbers; anything else is repaired and recorded. */
final class SessionCounts {

    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);
    /**
     * The most sessions one count of one report is taken for: a million a second for a day is 8.64e10; the largest
     * senders report far fewer. Above it, a count is clamped here, so that the sums of many reports (a window, a
     * domain's statistics) cannot overflow into negative totals, whatever a forged report says.
     */
    static final long MAX_COUNT = 1_000_000_000_000L;

    private SessionCounts() {
    }

    static long read(JsonNode node, Set<Deviation> deviations) {
        long count = readUncapped(node, deviations);
        if (count > MAX_COUNT) {
            deviations.add(Deviation.COUNT_NOT_INTEGER);
            return MAX_COUNT;
        }
        return count;
    }

    private static long readUncapped(JsonNode node, Set<Deviation> deviations) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            deviations.add(Deviation.SESSION_COUNT_MISSING);
            return 0;
        }
        if (node.isIntegralNumber()) {
            if (node.canConvertToLong()) {
                return nonNegative(node.longValue(), deviations);
            }
            deviations.add(Deviation.COUNT_NOT_INTEGER);
            return node.bigIntegerValue().signum() < 0 ? clampNegative(deviations) : Long.MAX_VALUE;
        }
        if (node.isNumber()) {
            deviations.add(Deviation.COUNT_NOT_INTEGER);
            double asDouble = node.doubleValue();
            if (Double.isNaN(asDouble)) {
                return 0;
            }
            if (Double.isInfinite(asDouble)) {
                return asDouble < 0 ? clampNegative(deviations) : Long.MAX_VALUE;
            }
            return fromDecimal(node.decimalValue(), asDouble, deviations);
        }
        if (node.isTextual()) {
            deviations.add(Deviation.COUNT_NOT_INTEGER);
            String text = node.textValue().trim();
            if (text.isEmpty() || text.length() > 40) {
                return 0;
            }
            try {
                return nonNegative(Long.parseLong(text), deviations);
            } catch (NumberFormatException notWhole) {
                try {
                    BigDecimal decimal = new BigDecimal(text);
                    if (Math.abs((long) decimal.scale()) > 1000) {
                        return 0;  // 1e99999999: not a count, and expensive to expand
                    }
                    return fromDecimal(decimal, decimal.doubleValue(), deviations);
                } catch (NumberFormatException notANumber) {
                    return 0;
                }
            }
        }
        deviations.add(Deviation.COUNT_NOT_INTEGER);
        return 0;
    }

    private static long fromDecimal(BigDecimal decimal, double asDouble, Set<Deviation> deviations) {
        if (decimal == null || Double.isNaN(asDouble)) {
            return 0;
        }
        if (decimal.signum() < 0) {
            return clampNegative(deviations);
        }
        BigInteger whole = decimal.toBigInteger();
        return whole.compareTo(LONG_MAX) > 0 ? Long.MAX_VALUE : whole.longValue();
    }

    private static long nonNegative(long value, Set<Deviation> deviations) {
        return value < 0 ? clampNegative(deviations) : value;
    }

    private static long clampNegative(Set<Deviation> deviations) {
        deviations.add(Deviation.COUNT_NEGATIVE);
        return 0;
    }
}
