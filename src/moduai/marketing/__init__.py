"""moduai.marketing"""
