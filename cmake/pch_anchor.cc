// Anchors the precompiled-header targets (cmake/VaktModule.cmake); it defines nothing.
