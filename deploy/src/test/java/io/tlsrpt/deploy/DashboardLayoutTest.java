package io.tlsrpt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The dashboards as Grafana lays them out: every panel has an id of its own, a place inside the 24 columns that no
 * other panel takes (Grafana moves an overlapping panel wherever it fits, away from its row), and, apart from the
 * rows, a description saying what it shows and a query. MetricNamesTest checks the queries' names and labels.
 */
class DashboardLayoutTest {

    private record Place(int id, int x, int y, int w, int h) {
        boolean overlaps(Place o) {
            return x < o.x + o.w && o.x < x + w && y < o.y + o.h && o.y < y + h;
        }
    }

    @Test
    void panelsHaveTheirOwnIdsAndPlacesADescriptionAndAQuery() throws Exception {
        List<Path> dashboards = DeployFiles.dashboards();
        assertThat(dashboards).isNotEmpty();
        for (Path file : dashboards) {
            JsonNode panels = new ObjectMapper().readTree(Files.readString(file)).path("panels");
            assertThat(panels.size()).as(file.toString()).isPositive();
            Set<Integer> ids = new HashSet<>();
            List<Place> places = new ArrayList<>();
            for (JsonNode panel : panels) {
                String name = file.getFileName() + " panel " + panel.path("id").asInt() + " '"
                        + panel.path("title").asText() + "'";
                assertThat(ids.add(panel.path("id").asInt())).as(name + ": its id taken before").isTrue();
                JsonNode at = panel.path("gridPos");
                Place place = new Place(panel.path("id").asInt(), at.path("x").asInt(), at.path("y").asInt(),
                        at.path("w").asInt(), at.path("h").asInt());
                assertThat(place.w()).as(name + " width").isPositive();
                assertThat(place.h()).as(name + " height").isPositive();
                assertThat(place.x() + place.w()).as(name + " within 24 columns").isLessThanOrEqualTo(24);
                for (Place other : places) {
                    assertThat(place.overlaps(other)).as(name + " overlaps panel " + other.id()).isFalse();
                }
                places.add(place);
                if (!"row".equals(panel.path("type").asText())) {
                    assertThat(panel.path("description").asText()).as(name + " description").isNotBlank();
                    assertThat(panel.path("targets")).as(name + " queries").isNotEmpty()
                            .allSatisfy(t -> assertThat(t.path("expr").asText()).isNotBlank());
                }
            }
        }
    }
}
