"""Small OpenStreetMap files written with pyosmium for the jurisdiction tests: a toy town of a few streets.

    Town, on a 0.001-degree grid at 60.1 N (about 111 m north-south, 56 m east-west):

      n1 (0,0) ---- Main St (two-way) ---- n2 (0,1) ---- n3 (0,2)
       |                                     |              |
     Side St (one-way north, n4 -> n1)      Mid St (two-way)  East St (two-way, maxspeed 20)
       |                                     |              |
      n4 (1,0) ---- High St (two-way) ---- n5 (1,1) ---- n6 (1,2)
    plus a closed road (access=no) n6 -> n7, "no left turn" from High St (n4 -> n5) into Mid St (n5 -> n2), and
    an address on Kauppakuja, a lane with no drivable road.
"""

from __future__ import annotations

from pathlib import Path

LAT0, LON0, STEP = 60.1, 24.9, 0.001


def point(r: float, c: float) -> tuple[float, float]:
    """(lon, lat) of grid cell (row, column): row 0 is the northern row."""
    return LON0 + c * STEP, LAT0 - r * STEP


GRID = {1: (0, 0), 2: (0, 1), 3: (0, 2), 4: (1, 0), 5: (1, 1), 6: (1, 2), 7: (2, 2)}


def write_town(path: Path, *, restriction: bool = True, island: bool = False, roads: bool = True) -> Path:
    import osmium
    from osmium.osm.mutable import Node, Relation, Way

    writer = osmium.SimpleWriter(str(path))
    try:
        for nid, (r, c) in GRID.items():
            writer.add_node(Node(id=nid, location=point(r, c), tags={}))
        # address points along Main St (even numbers north side would need a wider town: one side here)
        for k, number in enumerate((1, 3, 5, 9)):
            lon, lat = point(-0.1, 0.25 + k * 0.5)
            writer.add_node(Node(id=100 + k, location=(lon, lat),
                                 tags={"addr:housenumber": str(number), "addr:street": "Main Street"}))
        writer.add_node(Node(id=110, location=point(0.5, 0.2), tags={"addr:housenumber": "2", "addr:street": "Kauppakuja"}))
        writer.add_node(Node(id=200, location=point(0.5, 1.5), tags={"amenity": "fire_station", "name": "Town Fire Station"}))
        writer.add_node(Node(id=201, location=point(0.5, 0.5), tags={"place": "square", "name": "Kauppatori"}))
        if roads:
            writer.add_way(Way(id=10, nodes=[1, 2, 3], tags={"highway": "residential", "name": "Main Street"}))
            writer.add_way(Way(id=11, nodes=[4, 1], tags={"highway": "residential", "name": "Side Street", "oneway": "yes"}))
            writer.add_way(Way(id=12, nodes=[2, 5], tags={"highway": "residential", "name": "Mid Street"}))
            writer.add_way(Way(id=13, nodes=[3, 6], tags={"highway": "residential", "name": "East Street", "maxspeed": "20"}))
            writer.add_way(Way(id=14, nodes=[4, 5], tags={"highway": "primary", "name": "High Street"}))
            writer.add_way(Way(id=15, nodes=[5, 6], tags={"highway": "primary", "name": "High Street"}))
            writer.add_way(Way(id=16, nodes=[6, 7], tags={"highway": "service", "access": "no"}))
            writer.add_way(Way(id=17, nodes=[1, 4], tags={"highway": "footway"}))
        if restriction and roads:
            writer.add_relation(Relation(id=30, members=[("w", 14, "from"), ("n", 5, "via"), ("w", 12, "to")],
                                         tags={"type": "restriction", "restriction": "no_left_turn"}))
        if island and roads:  # a second town far away, as long as the first: only half the roads joined
            for k in range(4):
                writer.add_node(Node(id=300 + k, location=point(50, k * 3), tags={}))
            writer.add_way(Way(id=40, nodes=[300, 301, 302, 303], tags={"highway": "residential", "name": "Far Road"}))
    finally:
        writer.close()
    return path
