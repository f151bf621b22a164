"""moduai.programs"""
