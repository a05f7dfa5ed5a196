package dev.gangway.portal.users;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The names of the groups each user of an account belongs to, for the users pages. A plain query: groups belong to
 * the rights part, and the pages only read their names.
 */
@Component
class UserGroups {

    private final JdbcTemplate jdbc;

    UserGroups(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** User id → names of the user's groups in the account, sorted. */
    Map<String, List<String>> byUser(String accountId) {
        Map<String, List<String>> groups = new HashMap<>();
        jdbc.query("select m.user_id, g.name from group_member m join user_group g on g.id = m.group_id"
                        + " where g.account_id = ? order by g.name", rs -> {
                    groups.computeIfAbsent(rs.getString(1), id -> new ArrayList<>()).add(rs.getString(2));
                }, accountId);
        return groups;
    }

    /** Names of the groups of one user, sorted. */
    List<String> of(String accountId, String userId) {
        return jdbc.queryForList("select g.name from group_member m join user_group g on g.id = m.group_id"
                + " where g.account_id = ? and m.user_id = ? order by g.name", String.class, accountId, userId);
    }
}
