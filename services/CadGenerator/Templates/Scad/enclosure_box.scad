// Enclosure: an open box and its lid, side by side on the build plate. The lid carries a lip
// (a ring as thick as the wall) that fits inside the box with lid_clearance on every side.
outer_length = inner_length + 2 * wall;
outer_width = inner_width + 2 * wall;
lip_length = inner_length - 2 * lid_clearance;
lip_width = inner_width - 2 * lid_clearance;
gap = 5;

// Box.
difference() {
    cube([outer_length, outer_width, floor_thickness + inner_height]);
    translate([wall, wall, floor_thickness])
        cube([inner_length, inner_width, inner_height + 1]);
}

// Lid, upside down (plate on the bed, lip up), beside the box.
translate([0, outer_width + gap, 0]) {
    cube([outer_length, outer_width, lid_thickness]);
    // The lip starts inside the plate: merely touching it, rounding can leave a hairline gap and
    // the lid would print as two loose parts (mesh validation found exactly that at 0.8 mm).
    translate([wall + lid_clearance, wall + lid_clearance, lid_thickness / 2])
        difference() {
            cube([lip_length, lip_width, lip_height + lid_thickness / 2]);
            translate([wall, wall, -1])
                cube([lip_length - 2 * wall, lip_width - 2 * wall, lip_height + lid_thickness / 2 + 2]);
        }
}
