package dev.gangway.portal.rights;

import java.util.Optional;

/**
 * One cell of the rights matrix: a right granted to a group on a pool. Its form value is
 * {@code <groupId>:<poolId>:<RIGHT>}.
 */
record Grant(String groupId, String poolId, Right right) {

    /** The value of the matrix checkbox. */
    String formValue() {
        return groupId + ":" + poolId + ":" + right.name();
    }

    /** Parses a checkbox value; empty when it is not of the form {@code group:pool:RIGHT} with a known right. */
    static Optional<Grant> parse(String value) {
        if (value == null || value.length() > 120) {
            return Optional.empty();
        }
        String[] parts = value.split(":", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
            return Optional.empty();
        }
        return right(parts[2]).map(right -> new Grant(parts[0], parts[1], right));
    }

    /** The right of that enum name, if this version knows it. */
    static Optional<Right> right(String name) {
        for (Right right : Right.values()) {
            if (right.name().equals(name)) {
                return Optional.of(right);
            }
        }
        return Optional.empty();
    }
}
