package dev.gangway.portal.rights;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serial;
import java.io.Serializable;

/**
 * A right granted to a group on a pool. The right is stored by its enum name; a name this version does not know
 * (a newer version wrote it) grants nothing.
 */
@Entity
@Table(name = "pool_right")
class PoolRight {

    @EmbeddedId
    private Key id;

    protected PoolRight() {
    }

    PoolRight(Grant grant) {
        this.id = new Key(grant.groupId(), grant.poolId(), grant.right().name());
    }

    Key key() {
        return id;
    }

    /** The primary key: group, pool and right. */
    @Embeddable
    record Key(@Column(name = "group_id", length = 36) String groupId,
            @Column(name = "pool_id", length = 36) String poolId,
            @Column(name = "right_name", length = 32) String rightName) implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
    }
}
