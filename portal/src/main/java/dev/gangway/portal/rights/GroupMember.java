package dev.gangway.portal.rights;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serial;
import java.io.Serializable;

/** A user's membership of a group (both of the same account, checked before it is written). */
@Entity
@Table(name = "group_member")
class GroupMember {

    @EmbeddedId
    private Key id;

    protected GroupMember() {
    }

    GroupMember(String groupId, String userId) {
        this.id = new Key(groupId, userId);
    }

    String groupId() {
        return id.groupId;
    }

    String userId() {
        return id.userId;
    }

    /** The primary key: group and user. */
    @Embeddable
    record Key(@Column(name = "group_id", length = 36) String groupId,
            @Column(name = "user_id", length = 36) String userId) implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
    }
}
